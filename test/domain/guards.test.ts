import { GUARD_ORDER, guardVerdicts, runGuards } from '../../src/app/packages/domain/guards';
import { NOW, buildCounts, buildGuardInput, buildProgram, buildReferral, daysBefore } from './factories';

const captured = daysBefore(NOW, 10);
const capped = buildProgram({ rewards: { referrer: { kind: 'cash', amount: 5000, currency: 'USD' }, caps: { perReferrer: 3, perReferrerPerMonth: 2, programPerMonth: 100_000 } } });

describe('runGuards', () => {
  it('passes a fresh referral within the window', () => {
    expect(runGuards(buildGuardInput())).toEqual({ passed: true });
  });

  it.each([
    ['not_referred', { referral: null }],
    ['already_qualified', { referral: buildReferral({ status: 'qualified' }) }],
    ['referral_rejected', { referral: buildReferral({ status: 'rejected' }) }],
    ['existing_customer', { history: { lifecycleStage: [{ value: 'customer', timestamp: daysBefore(captured, 1) }], closedWonDealsAt: [] } }],
    ['existing_customer', { history: { lifecycleStage: [{ value: 'evangelist', timestamp: daysBefore(captured, 400) }], closedWonDealsAt: [] } }],
    ['existing_customer', { history: { lifecycleStage: [], closedWonDealsAt: [daysBefore(captured, 30)] } }],
    ['self_referral', { referral: buildReferral({ referredContactId: '501' }) }],
    ['self_referral', { referral: buildReferral({ referredEmail: 'anna@example.com' }) }],
    ['outside_window', { referral: buildReferral({ capturedAt: daysBefore(NOW, 366) }) }],
    ['referrer_cap_reached', { program: capped, counts: buildCounts({ referrerRewardsTotal: 3 }) }],
    ['referrer_cap_reached', { program: capped, counts: buildCounts({ referrerRewardsTotal: 2, referrerRewardsThisMonth: 2 }) }],
    ['program_cap_reached', { program: capped, counts: buildCounts({ programAmountThisMonth: 100_000 }) }],
  ] as const)('stops with %s', (code, overrides) => {
    const result = runGuards(buildGuardInput(overrides));
    expect(result).toMatchObject({ passed: false, code, message: expect.any(String) });
  });

  it.each([
    ['became a customer after the referral', { history: { lifecycleStage: [{ value: 'customer', timestamp: daysBefore(NOW, 1) }], closedWonDealsAt: [daysBefore(NOW, 2)] } }],
    ['was only a lead before', { history: { lifecycleStage: [{ value: 'lead', timestamp: daysBefore(captured, 50) }], closedWonDealsAt: [] } }],
    ['is on the last day of the window', { referral: buildReferral({ capturedAt: daysBefore(NOW, 365) }) }],
    ['has no known referrer email', { referral: buildReferral({ referrerEmail: null }) }],
    ['is just under the caps', { program: capped, counts: buildCounts({ referrerRewardsTotal: 2, referrerRewardsThisMonth: 1, programAmountThisMonth: 99_999 }) }],
  ] as const)('passes a friend who %s', (_, overrides) => {
    expect(runGuards(buildGuardInput(overrides))).toEqual({ passed: true });
  });

  it('reports the earliest failing guard in the documented order', () => {
    const everythingWrong = buildGuardInput({
      referral: buildReferral({ referredContactId: '501', capturedAt: daysBefore(NOW, 999) }),
      history: { lifecycleStage: [{ value: 'customer', timestamp: daysBefore(NOW, 2000) }], closedWonDealsAt: [] },
      program: capped,
      counts: buildCounts({ referrerRewardsTotal: 9, programAmountThisMonth: 1e9 }),
    });
    expect(runGuards(everythingWrong)).toMatchObject({ code: 'existing_customer' });
    expect(GUARD_ORDER.indexOf('existing_customer')).toBeLessThan(GUARD_ORDER.indexOf('self_referral'));
  });

  it('explains itself to a person', () => {
    const result = runGuards(buildGuardInput({ referral: buildReferral({ capturedAt: daysBefore(NOW, 400) }) }));
    expect(result).toMatchObject({ message: 'The referral is 400 days old; the program rewards milestones within 365 days' });
  });
});

describe('guardVerdicts', () => {
  it('judges every guard, not only the first failing one, and its first failure is what runGuards reports', () => {
    const input = buildGuardInput({
      referral: buildReferral({ capturedAt: daysBefore(NOW, 400), referredContactId: '501' }),
      program: capped,
      counts: buildCounts({ programAmountThisMonth: 100_000 }),
    });
    const verdicts = guardVerdicts(input);
    expect(verdicts.map((v) => v.code)).toEqual(GUARD_ORDER);
    expect(verdicts.filter((v) => !v.passed).map((v) => v.code)).toEqual(['self_referral', 'outside_window', 'program_cap_reached']);
    const first = verdicts.find((v) => !v.passed)!;
    expect(runGuards(input)).toEqual({ passed: false, code: first.code, message: first.message });
  });

  it('passes every guard where runGuards passes, and has only not_referred for a contact nobody referred', () => {
    expect(guardVerdicts(buildGuardInput()).every((v) => v.passed && v.message === null)).toBe(true);
    expect(guardVerdicts(buildGuardInput({ referral: null }))).toEqual([{ code: 'not_referred', passed: false, message: expect.any(String) }]);
  });
});
