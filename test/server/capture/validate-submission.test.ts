import { validateSubmission } from '../../../server/capture/validate-submission';
import type { ReferralInput } from '../../../server/capture/referral-input';
import { AppError } from '../../../server/errors';
import type { Program } from '../../../src/app/packages/domain/program';
import { createProgram, type Harness } from '../../support/harness';
import { captureDeps, referrerWithCode, startCapture } from './fixtures';

describe('validating a referral submission', () => {
  let h: Harness;
  let program: Program;
  let code: string;
  const now = Date.parse('2026-05-01T10:00:00Z');
  beforeAll(async () => {
    h = await startCapture('sqlite', () => now);
    program = await createProgram(h);
    await createProgram(h, { id: 'autumn', name: 'Autumn referrals' });
    await createProgram(h, { id: 'paused', name: 'Paused referrals', status: 'paused' });
    code = (await referrerWithCode(h, program, { email: 'anna.smith@gmail.com', hubspot_owner_id: '1003' })).code;
  });
  afterAll(() => h.close());

  const input = (overrides: Partial<ReferralInput>): ReferralInput => ({ email: 'wes@example.com', code, consent: true, isBot: false, source: 'api', ...overrides });
  async function refusal(overrides: Partial<ReferralInput>) {
    const err = await validateSubmission(captureDeps(h), input(overrides)).then(() => undefined, (e: unknown) => e);
    if (!(err instanceof AppError)) throw new Error(`expected a refusal, got ${String(err)}`);
    return { status: err.status, message: err.message, path: (err.details as { issues?: Array<{ path: string }> } | undefined)?.issues?.[0]?.path };
  }

  it('accepts a valid submission with the referrer\'s owner, read live', async () => {
    const valid = await validateSubmission(captureDeps(h), input({ email: 'Wes@Example.com' }));
    expect(valid).toMatchObject({ email: 'Wes@Example.com', normalised: 'wes@example.com', program: { id: 'spring' }, referrerOwnerId: '1003' });
  });

  it.each([
    ['an invalid address', { email: 'not-an-address' }, 400, 'email'],
    ['no consent on our own form', { consent: false }, 400, 'consent'],
    ['no code', { code: undefined }, 400, 'code'],
    ['an unknown code', { code: 'NOPE2345' }, 400, 'code'],
    ['a code of another program', { programId: 'autumn' }, 400, 'code'],
    ['the referrer\'s own address (an alias)', { email: 'annasmith+x@gmail.com' }, 400, 'email'],
  ])('refuses %s, naming the field', async (_what, overrides, status, path) => {
    expect(await refusal(overrides)).toMatchObject({ status, path });
    expect(await h.database.db.selectFrom('referral_claims').selectAll().execute()).toEqual([]);
  });

  it('refuses a code whose program is not active', async () => {
    const paused = await h.database.db.selectFrom('programs').select('id').where('id', '=', 'paused').executeTakeFirstOrThrow();
    const pausedCode = (await referrerWithCode(h, { ...program, id: paused.id })).code;
    expect(await refusal({ code: pausedCode })).toMatchObject({ status: 409, message: expect.stringMatching(/not accepting referrals/) });
  });
});
