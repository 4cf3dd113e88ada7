import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual } from '../constant-time';

/** HubSpot rejects v3 requests older than this; so do we (also ones from the future, by clock skew). */
export const MAX_SIGNATURE_AGE_MS = 5 * 60 * 1000;

export interface IncomingSignedRequest {
  method: string;
  /** The full URL HubSpot called: the configured public base URL plus the original path and query. */
  url: string;
  rawBody: string;
  header(name: string): string | undefined;
}

export type SignatureCheck = { ok: true; version: 'v3' | 'v2' } | { ok: false; reason: string };

export interface SignaturePolicy {
  /**
   * v2 signs no timestamp, so a captured v2 request (or a v3 one stripped of its v3 headers) verifies
   * forever. Accept it only where a replay changes nothing.
   */
  acceptV2: boolean;
}

/**
 * Workflow action deliveries are the only signed requests a replay cannot harm: each is answered once
 * per callbackId and every repeat gets the stored answer. HubSpot's docs say custom actions are signed
 * with v2, so they keep accepting it unless HUBSPOT_REQUIRE_V3 is set. Every other route behind this
 * check (options, anything added later) needs v3; webhooks have their own check
 * (server/webhooks/webhook-signature.ts), since HubSpot signs their deliveries with v1. Express matches routes case-insensitively, so
 * this does too.
 */
const REPLAY_SAFE_PATH = /^\/hubspot\/actions\/[^/]+\/?$/i;

export function signaturePolicyFor(path: string, requireV3: boolean): SignaturePolicy {
  return { acceptV2: !requireV3 && REPLAY_SAFE_PATH.test(path) };
}

/**
 * HubSpot decodes these escapes before signing a v3 request (its docs list them); we accept the URL
 * both as sent and decoded, so a difference in how a proxy re-encodes the path cannot lock us out.
 */
const V3_DECODED: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'",
  '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

function v3Urls(url: string): string[] {
  const decoded = url.replace(/%[0-9A-F]{2}/gi, (m) => V3_DECODED[m.toUpperCase()] ?? m);
  return decoded === url ? [url] : [url, decoded];
}

/**
 * Verify v3 when its headers are present, else v2 where the policy allows it; never v1 (it does not
 * cover method or URL). A v3 header that fails is a refusal, never a fall back to v2.
 */
export function verifySignature(req: IncomingSignedRequest, clientSecret: string, now: number, policy: SignaturePolicy): SignatureCheck {
  const v3 = req.header('x-hubspot-signature-v3');
  if (v3) {
    const timestamp = req.header('x-hubspot-request-timestamp');
    if (!timestamp || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'X-HubSpot-Request-Timestamp is missing or not a number' };
    if (Math.abs(now - Number(timestamp)) > MAX_SIGNATURE_AGE_MS) {
      return { ok: false, reason: 'the request timestamp is more than 5 minutes away from now' };
    }
    const matches = v3Urls(req.url).some((url) =>
      constantTimeEqual(createHmac('sha256', clientSecret).update(req.method + url + req.rawBody + timestamp).digest('base64'), v3),
    );
    return matches ? { ok: true, version: 'v3' } : { ok: false, reason: 'the v3 signature does not match' };
  }
  const v2 = req.header('x-hubspot-signature');
  if (v2) {
    if (!policy.acceptV2) {
      return { ok: false, reason: 'this endpoint needs a v3 signature (X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp); a v2 signature alone could be replayed' };
    }
    const version = req.header('x-hubspot-signature-version');
    if (version && version.toLowerCase() !== 'v2') return { ok: false, reason: `signature version ${version} is not accepted here` };
    const expected = createHash('sha256').update(clientSecret + req.method + req.url + req.rawBody).digest('hex');
    return constantTimeEqual(expected, v2) ? { ok: true, version: 'v2' } : { ok: false, reason: 'the v2 signature does not match' };
  }
  return { ok: false, reason: 'the request carries no HubSpot signature' };
}
