import { Signature } from '@hubspot/api-client';
import { signRequest, signRequestV1 } from '../../../sandbox/signing';

const buildSignable = (overrides: Partial<Parameters<typeof signRequest>[0]> = {}) => ({
  clientSecret: 'app-client-secret',
  method: 'POST',
  url: 'https://referrals.example.com/hubspot/actions/qualify-referral?portal=1',
  body: '{"callbackId":"ap-1-2-3-0","inputFields":{"program":"default"}}',
  timestamp: Date.now(),
  ...overrides,
});

describe('signing requests like HubSpot', () => {
  test('v3 and v2 headers pass the official client’s checks', () => {
    const request = buildSignable();
    const headers = signRequest(request);
    const common = { clientSecret: request.clientSecret, requestBody: request.body, url: request.url, method: request.method };
    expect(headers['X-HubSpot-Request-Timestamp']).toBe(String(request.timestamp));
    expect(headers['X-HubSpot-Signature-Version']).toBe('v2');
    expect(Signature.isValid({ ...common, signatureVersion: 'v3', signature: headers['X-HubSpot-Signature-v3'], timestamp: request.timestamp })).toBe(true);
    expect(Signature.isValid({ ...common, signatureVersion: 'v2', signature: headers['X-HubSpot-Signature'] })).toBe(true);
  });

  test('v1 signs secret and body only', () => {
    const request = buildSignable();
    const headers = signRequestV1(request);
    expect(Signature.isValid({ clientSecret: request.clientSecret, requestBody: request.body, signature: headers['X-HubSpot-Signature'] })).toBe(true);
  });

  test.each([
    ['the body', { body: '{"callbackId":"ap-1-2-3-1"}' }],
    ['the url', { url: 'https://referrals.example.com/hubspot/actions/qualify-referral' }],
    ['the method', { method: 'PUT' }],
    ['the secret', { clientSecret: 'other-secret' }],
  ])('changing %s changes both signatures', (_what, change) => {
    const original = signRequest(buildSignable({ timestamp: 1_700_000_000_000 }));
    const changed = signRequest(buildSignable({ timestamp: 1_700_000_000_000, ...change }));
    expect(changed['X-HubSpot-Signature-v3']).not.toBe(original['X-HubSpot-Signature-v3']);
    expect(changed['X-HubSpot-Signature']).not.toBe(original['X-HubSpot-Signature']);
  });

  test('the v3 signature covers the timestamp', () => {
    const a = signRequest(buildSignable({ timestamp: 1_700_000_000_000 }));
    const b = signRequest(buildSignable({ timestamp: 1_700_000_000_001 }));
    expect(a['X-HubSpot-Signature-v3']).not.toBe(b['X-HubSpot-Signature-v3']);
    expect(a['X-HubSpot-Signature']).toBe(b['X-HubSpot-Signature']);
  });
});
