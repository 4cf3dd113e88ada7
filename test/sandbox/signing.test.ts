import { Signature } from '@hubspot/api-client';
import { signedHeaders, signRequest, type SignableRequest, type SignatureScheme } from '../../sandbox/signing';
import { verifySignature, type IncomingSignedRequest } from '../../server/hubspot/signature';
import { verifyWebhookSignature } from '../../server/webhooks/webhook-signature';

/**
 * The sandbox's signer is the one every test uses to play HubSpot, so it is held to HubSpot's official
 * client (`Signature.isValid`), and the service's two verifiers are held to the same cases: a request
 * the official client accepts, they accept, and one it rejects, they refuse, except where the table
 * says the service is stricter on purpose.
 *
 * The official client reads the time from `Date.now()`, so the tests set Jest's clock.
 */
const NOW = 1_764_000_000_000;
const MINUTE = 60_000;
const SECRET = 'app-client-secret';
const URL = 'https://referrals.example.com/hubspot/actions/qualify-referral?portal=1';
/** Carries escapes HubSpot decodes before signing v3 (%2F %3F %28 %29 %21) and ones it keeps (%3D %C3%A9 %20). */
const ENCODED_URL = 'https://referrals.example.com/hubspot/actions/qualify-referral?return=%2Fhome%3Ftab%3D1&who=Jos%C3%A9%20%28VIP%29%21';
const ENCODED_URL_AS_SIGNED_FOR_V3 = 'https://referrals.example.com/hubspot/actions/qualify-referral?return=/home?tab%3D1&who=Jos%C3%A9%20(VIP)!';
const BODY = '{"callbackId":"ap-1-2-3-0","inputFields":{"program":"default"}}';

const signable = (overrides: Partial<SignableRequest> = {}): SignableRequest =>
  ({ clientSecret: SECRET, method: 'POST', url: URL, body: BODY, timestamp: NOW, ...overrides });

interface Received { method: string; url: string; body: string; headers: Record<string, string> }

/** What a request signed as `signed` looks like when it arrives, changed in transit by `tamper`. */
function received(signed: SignableRequest, scheme: SignatureScheme, tamper: Partial<Omit<Received, 'headers'>> = {}, extra: Record<string, string> = {}): Received {
  return { method: signed.method, url: signed.url, body: signed.body, ...tamper, headers: { ...signedHeaders(signed, scheme), ...extra } };
}

type Verdict = 'valid' | 'invalid' | 'stale';

/** The official client's verdict, checking v3 when present as HubSpot tells verifiers to. It needs the URL decoded as HubSpot signs it. */
function official(req: Received, v3Url = req.url): Verdict {
  const common = { clientSecret: SECRET, requestBody: req.body, method: req.method };
  const v3 = req.headers['X-HubSpot-Signature-v3'];
  try {
    if (v3 !== undefined) {
      return Signature.isValid({ ...common, url: v3Url, signatureVersion: 'v3', signature: v3, timestamp: Number(req.headers['X-HubSpot-Request-Timestamp']) }) ? 'valid' : 'invalid';
    }
    const version = req.headers['X-HubSpot-Signature-Version']!;
    return Signature.isValid({ ...common, url: req.url, signatureVersion: version, signature: req.headers['X-HubSpot-Signature']! }) ? 'valid' : 'invalid';
  } catch (error) {
    expect((error as Error).message).toBe('Timestamp is invalid, reject request');
    return 'stale';
  }
}

function incoming(req: Received): IncomingSignedRequest {
  const lower = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: req.method, url: req.url, rawBody: req.body, header: (name) => lower[name.toLowerCase()] };
}

/** A workflow action endpoint, the one place a v2-only request is accepted. */
const actionCheck = (req: Received) => verifySignature(incoming(req), SECRET, Date.now(), { acceptV2: true });
const webhookCheck = (req: Received) => verifyWebhookSignature(incoming(req), SECRET, Date.now(), false);

const accepted = (version: 'v3' | 'v2' | 'v1') => ({ ok: true as const, version });
const refused = (reason: RegExp) => ({ ok: false, reason: expect.stringMatching(reason) });

beforeEach(() => jest.useFakeTimers({ now: NOW }));
afterEach(() => jest.useRealTimers());

describe('the sandbox signs like HubSpot, and the service verifies like the official client', () => {
  const v3Mismatch = refused(/^the v3 signature does not match$/);
  const stale = refused(/more than 5 minutes/);
  const noV1ForActions = refused(/^signature version v1 is not accepted here$/);
  type Expected = ReturnType<typeof accepted> | ReturnType<typeof refused>;
  const row = (name: string, req: Received, officialVerdict: Verdict, action: Expected, webhook: Expected, v3Url?: string) =>
    ({ name, req, officialVerdict, action, webhook, v3Url });
  const cases = [
    row('v3 + v2, as HubSpot calls an action', received(signable(), 'v3+v2'), 'valid', accepted('v3'), accepted('v3')),
    row('v3 + v1, as HubSpot delivers a webhook', received(signable(), 'v3+v1'), 'valid', accepted('v3'), accepted('v3')),
    row('v3 alone', received(signable(), 'v3'), 'valid', accepted('v3'), accepted('v3')),
    row('v2 alone: the fallback', received(signable(), 'v2'), 'valid', accepted('v2'), accepted('v2')),
    row('v1 alone: webhooks only, it covers neither method nor URL', received(signable(), 'v1'), 'valid', noV1ForActions, accepted('v1')),
    row('v3 on a URL with encoded characters', received(signable({ url: ENCODED_URL }), 'v3'), 'valid', accepted('v3'), accepted('v3'), ENCODED_URL_AS_SIGNED_FOR_V3),
    row('v2 on a URL with encoded characters, signed as sent', received(signable({ url: ENCODED_URL }), 'v2'), 'valid', accepted('v2'), accepted('v2')),
    row('v3 six minutes old', received(signable({ timestamp: NOW - 6 * MINUTE }), 'v3'), 'stale', stale, stale),
    row('v3 + v2 six minutes old: no fall back to the v2 pair', received(signable({ timestamp: NOW - 6 * MINUTE }), 'v3+v2'), 'stale', stale, stale),
    row('v3 six minutes ahead: the official client checks age one way only, the service both', received(signable({ timestamp: NOW + 6 * MINUTE }), 'v3'), 'valid', stale, stale),
    row('v2 alone, a month old: v2 has no timestamp, which is why only actions accept it', received(signable({ timestamp: NOW - 30 * 24 * 60 * MINUTE }), 'v2'), 'valid', accepted('v2'), accepted('v2')),
    row('v3 with the body changed', received(signable(), 'v3', { body: BODY.replace('ap-1-2-3-0', 'ap-1-2-3-1') }), 'invalid', v3Mismatch, v3Mismatch),
    row('v2 with the body changed', received(signable(), 'v2', { body: BODY.replace('ap-1-2-3-0', 'ap-1-2-3-1') }), 'invalid', refused(/^the v2 signature does not match$/), refused(/^the v2 signature does not match$/)),
    row('v1 with the body changed', received(signable(), 'v1', { body: BODY.replace('ap-1-2-3-0', 'ap-1-2-3-1') }), 'invalid', noV1ForActions, refused(/^the v1 signature does not match$/)),
    row('v3 with the query changed', received(signable(), 'v3', { url: URL.replace('portal=1', 'portal=2') }), 'invalid', v3Mismatch, v3Mismatch),
    row('v2 with the query changed', received(signable(), 'v2', { url: URL.replace('portal=1', 'portal=2') }), 'invalid', refused(/^the v2 signature does not match$/), refused(/^the v2 signature does not match$/)),
    row('v3 with the method changed', received(signable(), 'v3', { method: 'PUT' }), 'invalid', v3Mismatch, v3Mismatch),
    row('v2 with the method changed', received(signable(), 'v2', { method: 'PUT' }), 'invalid', refused(/^the v2 signature does not match$/), refused(/^the v2 signature does not match$/)),
    row('v3 made with another secret', received(signable({ clientSecret: 'someone-else' }), 'v3'), 'invalid', v3Mismatch, v3Mismatch),
    row('a forged v3 next to a valid v2: v3 decides', received(signable(), 'v3+v2', {}, { 'X-HubSpot-Signature-v3': 'AAAA' }), 'invalid', v3Mismatch, v3Mismatch),
  ];

  it.each(cases)('$name', ({ req, officialVerdict, action, webhook, v3Url }) => {
    expect(official(req, v3Url)).toBe(officialVerdict);
    expect(actionCheck(req)).toEqual(action);
    expect(webhookCheck(req)).toEqual(webhook);
  });

  it('a verifier that hands the official client the URL as sent, not decoded, rejects a genuine request', () => {
    expect(official(received(signable({ url: ENCODED_URL }), 'v3'))).toBe('invalid');
  });
});

describe('the headers HubSpot sends', () => {
  it('an action call carries v3 with its millisecond timestamp and the v2 pair', () => {
    expect(Object.keys(signRequest(signable())).sort()).toEqual(['X-HubSpot-Request-Timestamp', 'X-HubSpot-Signature', 'X-HubSpot-Signature-Version', 'X-HubSpot-Signature-v3']);
    expect(signRequest(signable())).toMatchObject({ 'X-HubSpot-Request-Timestamp': String(NOW), 'X-HubSpot-Signature-Version': 'v2' });
    expect(signRequest(signable())).toEqual(signedHeaders(signable(), 'v3+v2'));
  });

  it('a webhook delivery carries v3 and the v1 pair', () => {
    expect(signedHeaders(signable(), 'v3+v1')).toMatchObject({ 'X-HubSpot-Request-Timestamp': String(NOW), 'X-HubSpot-Signature-Version': 'v1' });
  });

  it('the v3 signature covers the timestamp; the older ones do not', () => {
    const a = signRequest(signable());
    const b = signRequest(signable({ timestamp: NOW + 1 }));
    expect(a['X-HubSpot-Signature-v3']).not.toBe(b['X-HubSpot-Signature-v3']);
    expect(a['X-HubSpot-Signature']).toBe(b['X-HubSpot-Signature']);
  });
});
