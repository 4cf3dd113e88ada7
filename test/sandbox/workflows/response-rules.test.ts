import { HUBSPOT_RETRY_POLICY, backoffDelay, decideAttempt, type AttemptResponse } from '../../../sandbox/workflows/response-rules';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const buildResponse = (overrides: Partial<AttemptResponse> = {}): AttemptResponse => ({ status: 200, headers: {}, body: '', ...overrides });
const withState = (outputFields: Record<string, unknown>) => JSON.stringify({ outputFields });

describe('deciding from an action answer', () => {
  test('Retry-After may be an HTTP date', () => {
    const decision = decideAttempt(buildResponse({ status: 429, headers: { 'retry-after': 'Wed, 25 Nov 2026 12:05:00 GMT' } }), NOW);
    expect(decision).toEqual({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 300_000 });
  });

  test('a 429 without Retry-After leaves the delay to the backoff', () => {
    expect(decideAttempt(buildResponse({ status: 429 }), NOW)).toEqual({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: undefined });
  });

  test('a 4xx fails even when its body claims success', () => {
    const decision = decideAttempt(buildResponse({ status: 409, body: withState({ hs_execution_state: 'SUCCESS' }) }), NOW);
    expect(decision).toEqual({ kind: 'fail', reason: 'HTTP 409' });
  });

  test('an unknown hs_execution_state fails with the value named', () => {
    const decision = decideAttempt(buildResponse({ body: withState({ hs_execution_state: 'DONE' }) }), NOW);
    expect(decision).toMatchObject({ kind: 'fail', reason: expect.stringContaining('"DONE"') });
  });

  test('non-string output values are kept as text, as HubSpot stores them', () => {
    const decision = decideAttempt(buildResponse({ body: withState({ hs_execution_state: 'SUCCESS', amount: 25, paid: true }) }), NOW);
    expect(decision).toEqual({ kind: 'complete', executionState: 'SUCCESS', outputFields: { hs_execution_state: 'SUCCESS', amount: '25', paid: 'true' } });
  });

  test('backoff doubles from one minute and stops growing at eight hours', () => {
    const delays = [1, 2, 3, 9, 10, 20].map((retry) => backoffDelay(retry, HUBSPOT_RETRY_POLICY) / 60_000);
    expect(delays).toEqual([1, 2, 4, 256, 480, 480]);
  });
});
