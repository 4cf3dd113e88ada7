import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignatureHeader } from '../../../server/events/signature';

const SECRET = 'evsec-test-0123456789abcdef';
const BODY = '{"id":"evt_1","type":"reward.issued"}';
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

describe('event signatures', () => {
  it('is the HMAC of "<timestamp>.<body>", so a receiver can compute it with any HMAC library', () => {
    const t = NOW / 1000;
    expect(signatureHeader(SECRET, BODY, NOW)).toBe(`t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${BODY}`).digest('hex')}`);
  });

  it('verifies a fresh delivery', () => {
    expect(verifySignatureHeader(SECRET, BODY, signatureHeader(SECRET, BODY, NOW), NOW + 60_000)).toEqual({ ok: true, timestamp: NOW / 1000 });
  });

  it.each([
    ['a changed body', SECRET, `${BODY} `, NOW, 'does not match'],
    ['another secret', 'another-secret-0123456789', BODY, NOW, 'does not match'],
    ['a delivery replayed six minutes later', SECRET, BODY, NOW + 6 * 60_000, 'more than 300 s off'],
  ])('refuses %s, saying why', (_what, secret, body, now, reason) => {
    const check = verifySignatureHeader(secret, body, signatureHeader(SECRET, BODY, NOW), now);
    expect(check).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it.each([undefined, '', 'v1=abc', 't=now,v1=abc'])('refuses a missing or malformed header %p', (header) => {
    expect(verifySignatureHeader(SECRET, BODY, header, NOW)).toMatchObject({ ok: false });
  });
});
