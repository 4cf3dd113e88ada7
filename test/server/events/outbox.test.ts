import pino from 'pino';
import { claimReferral, type ClaimRow } from '../../../server/capture/claim';
import { finaliseReferral } from '../../../server/capture/finalise';
import type { ValidSubmission } from '../../../server/capture/validate-submission';
import type { EnrolmentRow } from '../../../server/enrolment/repository';
import { createSubscription } from '../../../server/events/subscriptions';
import { saveProgram } from '../../../server/programs/repository';
import type { Program } from '../../../src/app/packages/domain/program';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import { buildProgram } from '../../support/harness';
import { insertEnrolment } from '../../support/ledger';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const PUBLIC = { type: 'public' as const, id: null };

describe.each(dialects)('the events outbox on %s', (dialect) => {
  let database: TestDatabase;
  let program: Program;
  let enrolment: EnrolmentRow;
  const deps = () => ({ database, clock: () => T0, logger: pino({ level: 'silent' }) });

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    ({ program } = await saveProgram(database.db, buildProgram(), T0));
    await insertEnrolment(database.db, { id: 'enr_1', programId: program.id, contactId: '101', code: 'ANNA2345', now: T0 });
    enrolment = await database.db.selectFrom('enrolments').selectAll().executeTakeFirstOrThrow();
  });
  afterEach(() => database.drop());

  async function capture(email: string, contactId: string) {
    const s: ValidSubmission = {
      input: { email, consent: true, isBot: false, source: 'api' }, email, normalised: email, enrolment, program, referrerOwnerId: undefined,
    };
    const { claim } = (await claimReferral(deps(), s)) as { claim: ClaimRow };
    await finaliseReferral(deps(), claim, { id: contactId, existing: false }, PUBLIC);
    return claim;
  }

  it('a captured referral is reported once to each subscription that wants it, without the friend\'s email', async () => {
    const wants = await createSubscription(database.db, program.id, { url: 'https://a.example/hook', secret: 's'.repeat(16), eventTypes: ['referral.captured'] }, T0);
    await createSubscription(database.db, program.id, { url: 'https://b.example/hook', secret: 's'.repeat(16), eventTypes: ['reward.issued'] }, T0);
    const claim = await capture('tom@example.com', '303');
    await finaliseReferral(deps(), claim, { id: '303', existing: false }, PUBLIC); // a second finaliser records nothing

    const rows = await database.db.selectFrom('event_deliveries').selectAll().execute();
    expect(rows).toEqual([expect.objectContaining({
      subscription_id: wants.id, event_type: 'referral.captured', stream_key: claim.id, contact_id: '101', status: 'pending', attempts: 0,
    })]);
    const body = JSON.parse(rows[0]!.payload);
    expect(body).toEqual({
      id: rows[0]!.event_id, type: 'referral.captured', programId: program.id, occurredAt: new Date(T0).toISOString(),
      data: { referral: expect.objectContaining({ id: claim.id, referrerContactId: '101', referredContactId: '303', status: 'captured', flags: [] }) },
    });
    expect(rows[0]!.payload).not.toContain('tom@example.com');
  });

  it('a program without subscriptions writes no delivery', async () => {
    await capture('uma@example.com', '404');
    expect(await database.db.selectFrom('event_deliveries').selectAll().execute()).toEqual([]);
  });
});
