import request from 'supertest';
import type { Program } from '../../../src/app/packages/domain/program';
import { addContacts } from '../../support/contacts';
import { dialects } from '../../support/databases';
import { createProgram, type Harness } from '../../support/harness';
import { referralOf, referrerWithCode, startCapture } from './fixtures';

/**
 * Anyone can sign up, then submit someone else's address with their own code. The answer must be
 * the same whoever that person is, so it cannot be used to learn about them.
 */
describe.each(dialects)('public capture answers on %s', (dialect) => {
  let h: Harness;
  let program: Program;
  let now: number;
  beforeEach(async () => {
    now = Date.parse('2026-05-01T10:00:00Z');
    h = await startCapture(dialect, () => now);
    program = await createProgram(h);
  });
  afterEach(() => h.close());

  /** Status, headers a client sees (Date aside, which is the clock), and the body as bytes. */
  const answer = (res: request.Response) => {
    const { date: _date, ...headers } = res.headers;
    return { status: res.status, headers, body: Buffer.from(res.text, 'utf8').toString('base64') };
  };

  async function people() {
    const victimReferrer = await referrerWithCode(h, program);
    // Known in the CRM for a long time, a customer.
    addContacts(h, 1, () => ({ email: 'known@example.com', lifecyclestage: 'customer' }));
    // Already referred by someone else, and already referred and qualified (became a customer).
    for (const email of ['referred@example.com', 'customer@example.com']) {
      await request(h.url).post('/api/referrals').send({ email, code: victimReferrer.code, consent: true });
    }
    await h.database.db.updateTable('referrals').set({ status: 'qualified', qualified_at: now, reason: 'lifecycle stage customer' })
      .where('email_normalised', '=', 'customer@example.com').execute();
    now += 60 * 60_000;
    return { attacker: await referrerWithCode(h, program) };
  }

  it('JSON: new, known, already referred and already customer get byte-identical answers', async () => {
    const { attacker } = await people();
    const send = (email: string) => request(h.url).post('/api/referrals').send({ email, code: attacker.code, consent: true });
    const answers = [];
    for (const email of ['new@example.com', 'known@example.com', 'referred@example.com', 'customer@example.com']) answers.push(answer(await send(email)));
    expect(answers[0]).toMatchObject({ status: 202, body: Buffer.from('{"accepted":true}').toString('base64') });
    for (const other of answers.slice(1)) expect(other).toEqual(answers[0]);
    // What happened is in the ledger, for the team: a new referral, a flagged known contact, the others untouched.
    expect(await referralOf(h, 'new@example.com')).toMatchObject({ enrolment_id: attacker.id, flags: '[]' });
    expect(await referralOf(h, 'known@example.com')).toMatchObject({ enrolment_id: attacker.id, flags: '["existing_contact"]' });
    expect(await referralOf(h, 'referred@example.com')).not.toMatchObject({ enrolment_id: attacker.id });
    expect(await referralOf(h, 'customer@example.com')).toMatchObject({ status: 'qualified' });
  });

  it('the page form: the same thank-you page for all of them', async () => {
    const { attacker } = await people();
    // One browser, as a person probing would use: it keeps the browser cookie the first answer may set.
    const send = (email: string) => request(h.url).post('/api/referrals').type('form').set('Cookie', `ro_bid=b_${'0'.repeat(32)}`)
      .send({ programId: program.id, code: attacker.code, email, consent: 'on' });
    const answers = [];
    for (const email of ['new@example.com', 'known@example.com', 'referred@example.com', 'customer@example.com']) answers.push(answer(await send(email)));
    expect(answers[0]!.status).toBe(202);
    for (const other of answers.slice(1)) expect(other).toEqual(answers[0]);
  });
});
