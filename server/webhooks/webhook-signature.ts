import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../constant-time';
import { verifySignature, type IncomingSignedRequest } from '../hubspot/signature';

export type WebhookSignatureCheck = { ok: true; version: 'v3' | 'v2' | 'v1' } | { ok: false; reason: string };

/**
 * Webhook deliveries are signed differently from workflow action calls. HubSpot's request
 * validation guide (developer platform, 2026.03 apps) names v3 as the current signature and says
 * requests also carry an older one for backwards compatibility, v1 or v2 as
 * `X-HubSpot-Signature-Version` says; webhook subscriptions have always been v1 (sha256 of client
 * secret + body). So: v3 whenever its headers are present (a v3 that fails is a refusal, never a
 * reason to fall back to the weaker scheme), otherwise the declared older version.
 *
 * v1 and v2 cover no timestamp, so a captured delivery verifies again later; that is harmless here
 * because events are recorded by `eventId` and a replayed one changes nothing. `HUBSPOT_REQUIRE_V3`
 * refuses them all the same, as it does everywhere.
 */
export function verifyWebhookSignature(req: IncomingSignedRequest, clientSecret: string, now: number, requireV3: boolean): WebhookSignatureCheck {
  if (req.header('x-hubspot-signature-v3')) return verifySignature(req, clientSecret, now, { acceptV2: false });
  const signature = req.header('x-hubspot-signature');
  if (!signature) return { ok: false, reason: 'the request carries no HubSpot signature' };
  if (requireV3) return { ok: false, reason: 'HUBSPOT_REQUIRE_V3 is set, so only v3 signatures are accepted' };
  const version = req.header('x-hubspot-signature-version')?.toLowerCase();
  if (version === 'v2') return verifySignature(req, clientSecret, now, { acceptV2: true });
  if (version !== 'v1') {
    return { ok: false, reason: version ? `signature version ${version} is not one HubSpot documents for webhooks` : 'X-HubSpot-Signature-Version is missing' };
  }
  const expected = createHash('sha256').update(clientSecret + req.rawBody).digest('hex');
  return constantTimeEqual(expected, signature) ? { ok: true, version: 'v1' } : { ok: false, reason: 'the v1 signature does not match' };
}
