import request from 'supertest';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';
import { buildReward } from '../reports/ledger-factories';

const auth = { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'x-referral-ops-actor': 'hubspot-user:7:ops@example.org' };

describe.each(dialects)('reward API on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
    await createProgram(h);
  });
  afterEach(() => h.close());

  async function reward(status: 'pending_review' | 'approved', amount = 5000) {
    const { referralId, referrerId } = await createReferral(h);
    const row = buildReward({ program_id: 'spring', referral_id: referralId, recipient_contact_id: referrerId, status, amount });
    await h.service.ctx.database.db.insertInto('rewards').values(row).execute();
    return row;
  }

  it('refuses a rejection without a reason, names the field and writes nothing', async () => {
    const r = await reward('pending_review');
    const res = await request(h.url).post(`/api/rewards/${r.id}/reject`).set(auth).send({ reason: ' ' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid rejection: reason:/) });
    const row = await h.service.ctx.database.db.selectFrom('rewards').select('status').where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending_review');
    expect(await h.service.ctx.database.db.selectFrom('audit_events').selectAll().where('entity_id', '=', r.id).execute()).toHaveLength(0);
  });

  it('rejects with the reviewer and reason in the audit trail; a decided reward cannot be approved', async () => {
    const r = await reward('pending_review');
    const rejected = await request(h.url).post(`/api/rewards/${r.id}/reject`).set(auth).send({ reason: 'Same household as the referrer' });
    expect(rejected.body.reward.status).toBe('rejected');
    const again = await request(h.url).post(`/api/rewards/${r.id}/approve`).set(auth).send({});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('INVALID_STATE');
    const [audit] = await h.service.ctx.database.db.selectFrom('audit_events').selectAll().where('entity_id', '=', r.id).execute();
    expect(audit).toMatchObject({ to_status: 'rejected', actor_type: 'hubspot_user', actor_id: '7:ops@example.org', reason: 'Same household as the referrer' });
  });

  it('filters the list, exports payable rewards as CSV and marks one issued', async () => {
    const payable = await reward('approved', 12345);
    await reward('pending_review');
    const list = await request(h.url).get('/api/rewards?status=approved').set(auth);
    expect(list.body.rewards.map((x: { id: string }) => x.id)).toEqual([payable.id]);
    const bad = await request(h.url).get('/api/rewards?status=paid').set(auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/status/);

    const csv = await request(h.url).get('/api/rewards/payable.csv').set(auth);
    expect(csv.type).toBe('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"${payable.id}"`);
    expect(lines[1]).toContain('"123.45","USD"');

    const noRef = await request(h.url).post(`/api/rewards/${payable.id}/issue`).set(auth).send({});
    expect(noRef.status).toBe(400);
    const issued = await request(h.url).post(`/api/rewards/${payable.id}/issue`).set(auth).send({ reference: 'PAYOUT-77' });
    expect(issued.body.reward).toMatchObject({ status: 'issued', fulfilmentRef: 'PAYOUT-77' });
    const after = await request(h.url).get('/api/rewards/payable.csv').set(auth);
    expect(after.text.trim().split('\r\n')).toHaveLength(1);
  });

  it('requires the admin key', async () => {
    const res = await request(h.url).get('/api/rewards');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/SERVICE_ADMIN_KEY/);
  });
});
