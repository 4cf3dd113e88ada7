import { handle as enrolContact } from '../../src/functions/enrol-contact';
import type { FunctionDeps } from '../../src/functions/lib/define-function';
import { handle as programSettings } from '../../src/functions/program-settings';
import { handle as referralStory } from '../../src/functions/referral-story';
import { handle as reviewReward } from '../../src/functions/review-reward';
import { buildReward, buildStory } from '../app/factories';
import { startStubService } from './stub-service';

const ADMIN_KEY = 'test-admin-key-0123456789';
const actor = { userId: '42', email: 'reviewer@example.com' };
let service: Awaited<ReturnType<typeof startStubService>>;

beforeAll(async () => {
  service = await startStubService(ADMIN_KEY);
});
afterAll(() => service.close());
beforeEach(() => service.reset());

function deps(env: Record<string, string | undefined> = {}): FunctionDeps {
  return { env: { SERVICE_URL: service.url, SERVICE_ADMIN_KEY: ADMIN_KEY, PRIVATE_APP_ACCESS_TOKEN: 'pat-test', HUBSPOT_API_BASE: service.url, ...env }, fetch };
}

const onRecord = (parameters: Record<string, unknown>) => ({ parameters, propertiesToSend: { hs_object_id: '123' } });

describe('referral-story', () => {
  test('returns the story of the record with the names of the people in it', async () => {
    const story = buildStory({ referrals: [{ id: 'r1', programId: 'p', referredContactId: '901', email: 'ben@example.org', status: 'captured', capturedAt: '2026-03-01T00:00:00Z', qualifiedAt: null, flags: [] }] });
    service.reply('GET /api/contacts/123/story', 200, story);
    service.reply('POST /crm/v3/objects/contacts/batch/read', 200, {
      status: 'COMPLETE',
      results: [{ id: '901', properties: { firstname: 'Ben', lastname: 'Brown', email: 'ben@example.org' }, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', archived: false }],
      startedAt: '2026-01-01T00:00:00Z',
      completedAt: '2026-01-01T00:00:00Z',
    });
    const result = await referralStory(onRecord({ contactId: '999' }), deps());
    expect(result).toEqual({ ok: true, data: { story, contacts: { '901': { name: 'Ben Brown', email: 'ben@example.org' } } } });
    // the record id HubSpot sends wins over the card's parameter
    expect(service.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/contacts/123/story', 'POST /crm/v3/objects/contacts/batch/read']);
  });

  test('still returns the story when HubSpot cannot name the people', async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const story = buildStory({ referredBy: { referralId: 'r', programId: 'p', referrerContactId: '700', referrerCode: 'A', status: 'captured', capturedAt: '2026-03-01T00:00:00Z', qualifiedAt: null, flags: [], reason: null, evidence: null } });
    service.reply('GET /api/contacts/123/story', 200, story);
    const result = await referralStory(onRecord({}), deps());
    expect(result).toEqual({ ok: true, data: { story, contacts: {} } });
  });

  test('an unknown service address says which secret to check', async () => {
    const result = await referralStory(onRecord({}), deps({ SERVICE_URL: 'http://127.0.0.1:9' }));
    expect(result).toEqual({ ok: false, error: { code: 'UNREACHABLE', message: expect.stringContaining('check the SERVICE_URL secret') } });
  });

  test('a missing secret names the secret and the command to add it', async () => {
    const result = await referralStory(onRecord({}), deps({ SERVICE_ADMIN_KEY: undefined }));
    expect(result).toEqual({ ok: false, error: { code: 'MISSING_SECRET', message: expect.stringContaining('hs secret add SERVICE_ADMIN_KEY') } });
    expect(service.requests).toEqual([]);
  });

  test('a wrong admin key is explained as such', async () => {
    const result = await referralStory(onRecord({}), deps({ SERVICE_ADMIN_KEY: 'not-the-key' }));
    expect(result).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('update the SERVICE_ADMIN_KEY secret') } });
  });
});

describe('review-reward', () => {
  test('approves as the acting HubSpot user', async () => {
    const reward = buildReward({ id: 'rw-1', status: 'approved' });
    service.reply('POST /api/rewards/rw-1/approve', 200, { reward });
    const result = await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'approve', actor } }, deps());
    expect(result).toEqual({ ok: true, data: { reward } });
    expect(service.requests[0]).toMatchObject({ body: {}, actor: 'hubspot-user:42:reviewer@example.com', authorization: `Bearer ${ADMIN_KEY}` });
  });

  test('prefers the user HubSpot puts in the context over the one the card sends', async () => {
    service.reply('POST /api/rewards/rw-1/approve', 200, { reward: {} });
    await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'approve', actor }, user: { id: 7, email: 'owner@example.com' } }, deps());
    expect(service.requests[0]?.actor).toBe('hubspot-user:7:owner@example.com');
  });

  test('rejects with the reason', async () => {
    service.reply('POST /api/rewards/rw-1/reject', 200, { reward: {} });
    await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'reject', reason: 'Same household', actor } }, deps());
    expect(service.requests[0]?.body).toEqual({ reason: 'Same household' });
  });

  test('refuses a rejection without a reason before calling the service', async () => {
    const result = await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'reject', reason: ' ', actor } }, deps());
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_PARAMETERS', message: 'reason: Give a reason for rejecting (at least 3 characters)' } });
    expect(service.requests).toEqual([]);
  });

  test('refuses a decision nobody can be named for', async () => {
    const result = await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'approve' } }, deps());
    expect(result).toMatchObject({ ok: false, error: { code: 'NO_ACTOR' } });
    expect(service.requests).toEqual([]);
  });

  test('a decision that lost a race tells the reviewer to refresh', async () => {
    service.reply('POST /api/rewards/rw-1/approve', 409, { error: { code: 'INVALID_STATE', message: 'Reward rw-1 is already rejected.', details: null } });
    const result = await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'approve', actor } }, deps());
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_STATE', message: 'Reward rw-1 is already rejected. Refresh the card to see where it stands now.' } });
  });

  test('a service failure is reported with its message', async () => {
    service.reply('POST /api/rewards/rw-1/approve', 503, { error: { code: 'UNAVAILABLE', message: 'Database is restarting', details: null } });
    const result = await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'approve', actor } }, deps());
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining('Database is restarting') } });
  });
});

describe('enrol-contact', () => {
  test.each([
    [201, true],
    [200, false],
  ])('HTTP %s from the service means created=%s', async (status, created) => {
    service.reply('POST /api/programs/spring-2026/enrolments', status, { enrolment: { code: 'ANNA-7K2Q' } });
    const result = await enrolContact(onRecord({ programId: 'spring-2026', actor }), deps());
    expect(result).toEqual({ ok: true, data: { enrolment: { code: 'ANNA-7K2Q' }, created } });
    expect(service.requests[0]).toMatchObject({ body: { contactId: '123' }, actor: 'hubspot-user:42:reviewer@example.com' });
  });
});

describe('program-settings', () => {
  const program = { id: 'spring-2026', name: 'Spring referrals', rewards: { referrer: { kind: 'gift_card', amount: 2500, currency: 'EUR' } } };

  test('lists and reads programs', async () => {
    service.reply('GET /api/programs', 200, { programs: [program] });
    service.reply('GET /api/programs/spring-2026', 200, { program });
    expect(await programSettings({ parameters: { action: 'list', actor } }, deps())).toEqual({ ok: true, data: { programs: [program] } });
    expect(await programSettings({ parameters: { action: 'get', programId: 'spring-2026', actor } }, deps())).toEqual({ ok: true, data: { program } });
  });

  test('saves a valid program as sent', async () => {
    service.reply('PUT /api/programs/spring-2026', 200, { program });
    const result = await programSettings({ parameters: { action: 'save', program, actor } }, deps());
    expect(result).toEqual({ ok: true, data: { program } });
    expect(service.requests[0]?.body).toEqual(program);
  });

  test('an invalid program comes back with an issue per field and is not sent', async () => {
    const result = await programSettings({ parameters: { action: 'save', program: { ...program, rewards: { referrer: { kind: 'gift_card', amount: -5, currency: 'EUR' } } }, actor } }, deps());
    expect(result).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String), issues: [{ path: 'rewards.referrer.amount', message: 'Amount must be greater than 0' }] } });
    expect(service.requests).toEqual([]);
  });

  test("the service's own field issues are passed through", async () => {
    const issues = [{ path: 'capture.routing.ownerId', message: 'Owner 99 does not exist in HubSpot' }];
    service.reply('PUT /api/programs/spring-2026', 400, { error: { code: 'VALIDATION_FAILED', message: 'Invalid program', details: { issues } } });
    const result = await programSettings({ parameters: { action: 'save', program, actor } }, deps());
    expect(result).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'Invalid program', issues } });
  });
});
