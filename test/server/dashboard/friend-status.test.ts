import { decideQualification, type DecisionInput, type ReferralFacts } from '../../../src/app/packages/domain/qualification-decision';
import { friendDisplayName, friendReason } from '../../../server/dashboard/friend-status';
import { translator } from '../../../server/i18n';
import {
  NOW, buildDecisionInput, buildLiveEvidence, buildProgram, buildReferralFacts, buildReferralSnapshot, daysBefore,
} from '../../domain/factories';

const withFacts = (overrides: Partial<ReferralFacts>, base: Partial<DecisionInput> = {}): DecisionInput =>
  buildDecisionInput({ ...base, facts: buildReferralFacts(overrides) });

/**
 * Each rejection row of docs/qualification.md's Outcomes table, decided by the real policy: the
 * reason it stores must map to the dashboard's sentence for that row, so a reworded guard message
 * cannot silently turn into "does not meet the program's terms".
 */
const REJECTIONS: Array<[string, () => DecisionInput, string]> = [
  ['the friend was a customer before the referral',
    () => withFacts({ evidence: buildLiveEvidence({ history: { lifecycleStage: [{ value: 'customer', timestamp: daysBefore(NOW, 200) }], closedWonDealsAt: [] } }) }),
    'Rejected because the friend was a customer before the referral.'],
  ['the friend had a closed-won deal before the referral',
    () => withFacts({ evidence: buildLiveEvidence({ history: { lifecycleStage: [], closedWonDealsAt: [daysBefore(NOW, 30)] } }) }),
    'Rejected because the friend had a closed-won deal before the referral.'],
  ['the referrer referred themselves',
    () => withFacts({ referral: buildReferralSnapshot({ referredContactId: '501' }) }),
    'Rejected because the referrer referred themselves.'],
  ["after the program's qualification window",
    () => withFacts({ referral: buildReferralSnapshot({ capturedAt: daysBefore(NOW, 40) }) }, { program: buildProgram({ qualification: { windowDays: 30 } }) }),
    'Rejected because the milestone came after the program’s qualification window.'],
  ['the friend already existed and existing contacts are not rewarded',
    () => withFacts({ referral: buildReferralSnapshot({ flags: ['existing_contact'] }) }),
    'Rejected because the friend already existed as a contact and the program does not reward existing contacts.'],
];

describe('what the dashboard says about a friend', () => {
  it.each(REJECTIONS)('a referral rejected because %s', (_, input, sentence) => {
    const decision = decideQualification(input());
    expect(decision.transition?.to).toBe('rejected');
    const key = friendReason({ status: 'rejected', reason: decision.transition!.reason, rewardRejected: false });
    expect(translator('en').t(key)).toBe(sentence);
  });

  it('a reviewer’s rejection is said as such, never with the reviewer’s note; an unknown reason says the terms', () => {
    const note = 'Looks like a colleague of anna@example.com, contact 501';
    expect(friendReason({ status: 'rejected', reason: note, rewardRejected: true })).toBe('dashboard.reason.review');
    expect(friendReason({ status: 'rejected', reason: note, rewardRejected: false })).toBe('dashboard.reason.other');
    expect(friendReason({ status: 'captured', reason: null, rewardRejected: false })).toBe('dashboard.reason.awaitingMilestone');
    expect(friendReason({ status: 'qualified', reason: 'Lifecycle stage is customer', rewardRejected: false })).toBe('dashboard.reason.qualified');
  });

  it.each([
    ['Ben', 'Friend', 'Ben F.'],
    ['  Anne  Marie ', 'de la Cruz', 'Anne Marie D.'],
    ['Zoë', 'élan', 'Zoë É.'],
    ['Ben', '', 'Ben'],
    ['Ben', '42', 'Ben'],
    ['ben@example.com', 'Friend', null],
    ['', 'Friend', null],
    [null, null, null],
  ])('names %p %p as %p: first name and last initial, never an address', (first, last, shown) => {
    expect(friendDisplayName(first, last)).toBe(shown);
  });
});
