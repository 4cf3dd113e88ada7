import type { ProgramWhy, WhyAnswer, WhyQualification } from '../../src/app/packages/contracts/explain';

/** A "why?" answer for a referred contact whose referral qualifies now, with one deal as evidence. */
export function buildQualification(overrides: Partial<WhyQualification> = {}): WhyQualification {
  return {
    milestone: 'Lifecycle stage Customer or later',
    referral: { id: 'ref-1', status: 'captured', capturedAt: '2026-03-10T09:00:00.000Z', referrerContactId: '700', flags: [] },
    guards: [
      { code: 'existing_customer', label: 'Not a customer before the referral', passed: true, message: null, effect: 'rejects the referral once the milestone is met' },
      { code: 'outside_window', label: 'Within the qualification window', passed: false, message: 'The referral is 400 days old; the program rewards milestones within 365 days', effect: 'rejects the referral once the milestone is met' },
    ],
    milestoneMet: true,
    decision: { referralStatus: 'rejected', rewardStatus: 'none', reason: 'The referral is 400 days old; the program rewards milestones within 365 days', waitsForReview: false, referralBecomes: 'rejected', rewards: [] },
    evidence: {
      lifecycleStage: 'Customer',
      lifecycleHistory: [{ stage: 'Lead', at: '2026-03-10T09:00:00.000Z' }, { stage: 'Customer', at: '2026-04-01T09:00:00.000Z' }],
      deals: [{ id: '55', pipeline: 'Sales Pipeline', stage: 'Closed Won', amount: '1234', currency: 'EUR', closedWonAt: '2026-04-01T09:00:00.000Z' }],
      readAt: '2026-04-02T09:00:00.000Z',
    },
    ...overrides,
  };
}

export function buildProgramWhy(overrides: Partial<ProgramWhy> = {}): ProgramWhy {
  return {
    programId: 'spring-2026',
    programName: 'Spring referrals',
    programStatus: 'active',
    enrolment: {
      enrolled: null, wouldEnrol: false, matchedGroup: null,
      groups: [{ matched: false, filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'evangelist', actual: 'lead', matched: false }] }],
      reason: 'Matches none of the enrolment rules (rule 1: lifecyclestage is evangelist (it is "lead"))',
    },
    qualification: buildQualification(),
    ...overrides,
  };
}

export function buildWhyAnswer(programs: ProgramWhy[] = [buildProgramWhy()]): WhyAnswer {
  return { contact: { contactId: '901', name: 'Ben Brown', email: 'ben@example.org', url: 'https://app.hubspot.com/contacts/555/record/0-1/901' }, programs, dryRun: true };
}
