import { signedHeaders } from '../../../sandbox';
import { signaturePolicyFor, verifySignature, type IncomingSignedRequest } from '../../../server/hubspot/signature';

const secret = 'client-secret-for-signature-tests';
const now = 1_764_000_000_000;
const url = 'https://referrals.example.com/hubspot/actions/qualify-referral';
const body = '{"callbackId":"ap-1"}';

function incoming(headers: Record<string, string>, overrides: Partial<IncomingSignedRequest> = {}): IncomingSignedRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', url, rawBody: body, header: (name) => lower[name.toLowerCase()], ...overrides };
}

/** What HubSpot sends, and the same request stripped of its v3 headers (what a replay looks like). */
function signed(timestamp = now) {
  const request = { clientSecret: secret, method: 'POST', url, body, timestamp };
  return { all: signedHeaders(request, 'v3+v2'), v2Only: signedHeaders(request, 'v2') };
}

describe('verifying HubSpot request signatures', () => {
  const acceptV2 = { acceptV2: true };
  const refuseV2 = { acceptV2: false };

  it('accepts v3 whatever the policy says about v2', () => {
    expect(verifySignature(incoming(signed().all), secret, now, refuseV2)).toEqual({ ok: true, version: 'v3' });
    expect(verifySignature(incoming(signed().all), secret, now, acceptV2)).toEqual({ ok: true, version: 'v3' });
  });

  it('accepts a v2-only request only where the policy allows it, and says why it refused', () => {
    expect(verifySignature(incoming(signed().v2Only), secret, now, acceptV2)).toEqual({ ok: true, version: 'v2' });
    const refused = verifySignature(incoming(signed().v2Only), secret, now, refuseV2);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/needs a v3 signature/);
  });

  it('a v2-only request verifies however old it is: that is why most endpoints refuse it', () => {
    const old = signed(now - 30 * 24 * 3600_000);
    expect(verifySignature(incoming(old.all), secret, now, acceptV2).ok).toBe(false);
    expect(verifySignature(incoming(old.v2Only), secret, now, acceptV2)).toEqual({ ok: true, version: 'v2' });
    expect(verifySignature(incoming(old.v2Only), secret, now, refuseV2).ok).toBe(false);
  });

  it('a failing v3 header is a refusal, never a fall back to the v2 pair sent with it', () => {
    const headers = { ...signed().all, 'X-HubSpot-Signature-v3': 'AAAA' };
    expect(verifySignature(incoming(headers), secret, now, acceptV2)).toEqual({ ok: false, reason: 'the v3 signature does not match' });
  });

  it('refuses a tampered body under either version', () => {
    expect(verifySignature(incoming(signed().all, { rawBody: '{"callbackId":"ap-2"}' }), secret, now, acceptV2).ok).toBe(false);
    expect(verifySignature(incoming(signed().v2Only, { rawBody: '{"callbackId":"ap-2"}' }), secret, now, acceptV2).ok).toBe(false);
  });
});

describe('where a v2-only request is accepted', () => {
  it.each([
    ['/hubspot/actions/qualify-referral', true],
    ['/hubspot/actions/enrol-contact', true],
    ['/hubspot/ACTIONS/enrol-contact/', true],
    ['/hubspot/options/programs', false],
    ['/hubspot/webhooks', false],
    ['/hubspot/actions/enrol-contact/extra', false],
    ['/hubspot/actions/', false],
  ])('%s: %s', (path, accepted) => {
    expect(signaturePolicyFor(path, false).acceptV2).toBe(accepted);
    expect(signaturePolicyFor(path, true).acceptV2).toBe(false);
  });
});
