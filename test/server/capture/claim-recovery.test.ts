import request from 'supertest';
import { CLAIM_LEASE_MS, claimReferral, RECOVER_CLAIM_JOB } from '../../../server/capture/claim';
import { settleReferredContact } from '../../../server/capture/referred-contact';
import { validateSubmission } from '../../../server/capture/validate-submission';
import { contactStory } from '../../../server/contacts/story';
import { P } from '../../../server/hubspot/properties';
import { setUpPortal } from '../../../server/setup/hubspot-setup';
import { contactReferralProperties } from '../../../server/sync/contact-properties';
import type { Program } from '../../../src/app/packages/domain/program';
import { dialects } from '../../support/databases';
import { createProgram, type Harness } from '../../support/harness';
import { captureDeps, claims, referrerWithCode, startCapture } from './fixtures';

/**
 * A capture cut off after it claimed the person: the claim step ran, and with `reachedHubSpot` the
 * contact step too (the contact exists, attributed), but the referral was never finalised.
 */
async function cutOffCapture(h: Harness, code: string, email: string, opts: { reachedHubSpot: boolean }) {
  const deps = captureDeps(h);
  const submission = await validateSubmission(deps, { email, code, consent: true, isBot: false, source: 'api', firstName: 'Stuck' });
  const claimed = await claimReferral(deps, submission);
  if (claimed.kind !== 'claimed') throw new Error(`expected a claim, got ${claimed.kind}`);
  if (opts.reachedHubSpot) {
    await settleReferredContact(deps, { claim: claimed.claim, program: submission.program, enrolment: submission.enrolment, referrerOwnerId: undefined });
  }
  return claimed.claim;
}

const submit = (h: Harness, code: string, email: string) =>
  request(h.url).post('/api/referrals').send({ email, code, consent: true, firstname: 'Again' });

describe.each(dialects)('stuck captures on %s', (dialect) => {
  let h: Harness;
  let program: Program;
  let now: number;
  beforeEach(async () => {
    now = Date.parse('2026-05-01T10:00:00Z');
    h = await startCapture(dialect, () => now);
    program = await createProgram(h);
  });
  afterEach(() => h.close());

  const referrals = () => h.database.db.selectFrom('referrals').selectAll().execute();
  const recoveryJobs = () => h.database.db.selectFrom('jobs').selectAll().where('kind', '=', RECOVER_CLAIM_JOB).where('status', '=', 'pending').execute();

  it('a claim is no referral: the referrer count and the story leave it out', async () => {
    const enrolment = await referrerWithCode(h, program);
    await cutOffCapture(h, enrolment.code, 'gina@example.com', { reachedHubSpot: true });
    expect(await claims(h)).toHaveLength(1);
    expect(await referrals()).toEqual([]);
    expect(await contactReferralProperties(h.database.db, enrolment.contact_id)).toMatchObject({ [P.referralCount]: '0' });
    const story = await contactStory(h.database.db, enrolment.contact_id);
    expect(story.enrolments[0]!.counts.referred).toBe(0);
    expect(story.referrals).toEqual([]);
  });

  it('the recovery job records the risk signals the interrupted capture found, though it never saw the submission', async () => {
    const enrolment = await referrerWithCode(h, program);
    await cutOffCapture(h, enrolment.code, 'gina@mailinator.com', { reachedHubSpot: false });
    now += CLAIM_LEASE_MS;
    await h.service.worker.drain();
    expect(await referrals()).toEqual([expect.objectContaining({
      email_normalised: 'gina@mailinator.com', flags: '["disposable_email"]',
      flag_reasons: JSON.stringify({ disposable_email: "The friend's email domain mailinator.com is a known disposable (throwaway) email provider" }),
    })]);
  });

  it('the recovery job completes a claim whose contact was created, as the capture would have', async () => {
    const enrolment = await referrerWithCode(h, program);
    const claim = await cutOffCapture(h, enrolment.code, 'Gina@Example.com', { reachedHubSpot: true });
    const contact = h.sandbox.portal.findBy('contacts', 'email', 'Gina@Example.com')!;

    // While the lease lasts the capture may still be at work: recovery waits.
    now += CLAIM_LEASE_MS - 1;
    await h.service.worker.drain();
    expect(await claims(h)).toHaveLength(1);
    expect(await referrals()).toEqual([]);

    now += 1;
    await h.service.worker.drain();
    expect(await claims(h)).toEqual([]);
    expect(await referrals()).toEqual([expect.objectContaining({
      id: claim.id, referred_contact_id: contact.id, email_normalised: 'gina@example.com', flags: '[]', status: 'captured', captured_at: claim.captured_at,
    })]);
    const audit = await h.database.db.selectFrom('audit_events').selectAll().where('entity_id', '=', claim.id).execute();
    expect(audit).toEqual([expect.objectContaining({ to_status: 'captured', actor_type: 'system' })]);
    expect(await contactReferralProperties(h.database.db, enrolment.contact_id)).toMatchObject({ [P.referralCount]: '1' });
    expect(await recoveryJobs()).toEqual([]);
  });

  it('the recovery job completes a claim whose capture never reached HubSpot, creating the contact as submitted', async () => {
    const enrolment = await referrerWithCode(h, program);
    const claim = await cutOffCapture(h, enrolment.code, 'hal@example.com', { reachedHubSpot: false });
    now += CLAIM_LEASE_MS;
    await h.service.worker.drain();
    expect(await claims(h)).toEqual([]);
    const contact = h.sandbox.portal.findBy('contacts', 'email', 'hal@example.com')!;
    expect(contact.properties).toMatchObject({ firstname: 'Stuck', [P.referredByCode]: enrolment.code, [P.status]: 'captured', hubspot_owner_id: '1002' });
    expect(await referrals()).toEqual([expect.objectContaining({ id: claim.id, referred_contact_id: contact.id, flags: '[]' })]);
  });

  it('the recovery job releases a claim whose address has since become the referrer\'s own', async () => {
    const enrolment = await referrerWithCode(h, program);
    await cutOffCapture(h, enrolment.code, 'hugo@example.com', { reachedHubSpot: false });
    h.sandbox.portal.update('contacts', enrolment.contact_id, { email: 'hugo@example.com' });
    now += CLAIM_LEASE_MS;
    await h.service.worker.drain();
    expect(await claims(h)).toEqual([]);
    expect(await referrals()).toEqual([]);
    expect(await recoveryJobs()).toEqual([]);
  });

  it('a resubmission waits out a live claim, then completes the stuck one with the contact already made', async () => {
    const enrolment = await referrerWithCode(h, program);
    const claim = await cutOffCapture(h, enrolment.code, 'ivy@example.com', { reachedHubSpot: true });
    const contact = h.sandbox.portal.findBy('contacts', 'email', 'ivy@example.com')!;

    expect((await submit(h, enrolment.code, 'ivy@example.com')).status).toBe(202);
    expect(await referrals()).toEqual([]);

    now += CLAIM_LEASE_MS;
    expect((await submit(h, enrolment.code, 'ivy@example.com')).status).toBe(202);
    expect(await claims(h)).toEqual([]);
    // The contact the cut-off capture created is this referral's own: not flagged as an earlier contact.
    expect(await referrals()).toEqual([expect.objectContaining({ id: claim.id, referred_contact_id: contact.id, flags: '[]' })]);
    expect([...h.sandbox.portal.records('contacts')].filter((c) => c.properties.email === 'ivy@example.com')).toHaveLength(1);
    expect(await recoveryJobs()).toEqual([]);
  });

  it('a resubmission completes a claim cut off before HubSpot, creating the contact', async () => {
    const enrolment = await referrerWithCode(h, program);
    await cutOffCapture(h, enrolment.code, 'jay@example.com', { reachedHubSpot: false });
    now += CLAIM_LEASE_MS;
    expect((await submit(h, enrolment.code, 'jay@example.com')).status).toBe(202);
    const contact = h.sandbox.portal.findBy('contacts', 'email', 'jay@example.com')!;
    // The claim's submission is the one recorded; the resubmission only finished it.
    expect(contact.properties).toMatchObject({ firstname: 'Stuck', [P.referredByCode]: enrolment.code });
    expect(await referrals()).toEqual([expect.objectContaining({ referred_contact_id: contact.id, flags: '[]' })]);
    expect(await claims(h)).toEqual([]);
  });

  it('of resubmissions racing for a stuck claim, all converge on one referral and one contact', async () => {
    const enrolment = await referrerWithCode(h, program);
    await cutOffCapture(h, enrolment.code, 'kim@example.com', { reachedHubSpot: false });
    now += CLAIM_LEASE_MS;
    const answers = await Promise.all(Array.from({ length: 6 }, () => submit(h, enrolment.code, 'kim@example.com')));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
    now += CLAIM_LEASE_MS;
    await h.service.worker.drain();
    expect(await referrals()).toHaveLength(1);
    expect(await claims(h)).toEqual([]);
    expect([...h.sandbox.portal.records('contacts')].filter((c) => c.properties.email === 'kim@example.com')).toHaveLength(1);
  });
});

describe.each(dialects)('an interrupted capture on %s', (dialect) => {
  let h: Harness;
  let now: number;
  beforeEach(async () => {
    now = Date.parse('2026-05-01T10:00:00Z');
    // A portal not set up yet: the "Referred by" label is missing, so the contact step fails after the claim.
    h = await startCapture(dialect, () => now, undefined, false);
  });
  afterEach(() => h.close());

  it('answers 5xx and keeps its claim; the recovery job finishes it once HubSpot can take it', async () => {
    const program = await createProgram(h);
    const enrolment = await referrerWithCode(h, program);
    const res = await submit(h, enrolment.code, 'lou@example.com');
    expect(res.status).toBe(503);
    expect(await claims(h)).toEqual([expect.objectContaining({ email: 'lou@example.com', first_name: 'Again' })]);

    await setUpPortal(h.gateway);
    now += CLAIM_LEASE_MS;
    await h.service.worker.drain();
    const contact = h.sandbox.portal.findBy('contacts', 'email', 'lou@example.com')!;
    expect(contact.properties).toMatchObject({ firstname: 'Again', [P.referredByCode]: enrolment.code });
    expect(await h.database.db.selectFrom('referrals').selectAll().execute())
      .toEqual([expect.objectContaining({ referred_contact_id: contact.id, flags: '[]' })]);
    expect(await claims(h)).toEqual([]);
  });
});
