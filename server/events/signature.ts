import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../constant-time';

/**
 * How the service signs what it sends (event deliveries and the fulfilment webhook): HMAC-SHA256 with
 * the receiver's secret over `<timestamp>.<raw body>`, sent as
 * `Referral-Ops-Signature: t=<unix seconds>,v1=<hex>`. The timestamp is inside the signed text, so a
 * receiver that refuses old timestamps cannot be fed a captured delivery later.
 */
export const SIGNATURE_HEADER = 'referral-ops-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureHeader(secret: string, body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * The receiver's side, also what docs/service-api.md shows: a reason instead of a throw, so a caller
 * can log why a delivery was refused.
 */
export function verifySignatureHeader(
  secret: string, body: string, header: string | undefined, nowMs: number, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: `no ${SIGNATURE_HEADER} header` };
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(t) || !given) return { ok: false, reason: 'the header needs t=<unix seconds>,v1=<hex>' };
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return { ok: false, reason: `timestamp ${t} is more than ${toleranceSeconds} s off` };
  if (!constantTimeEqual(hmac(secret, t, body), given)) return { ok: false, reason: 'the signature does not match the body' };
  return { ok: true, timestamp: t };
}

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}
