import { Alert, Button, EmptyState, ErrorState, Input, LoadingButton, LoadingSpinner, NumberInput, Select, StatusTag, Text, Toggle } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { SettingsPage } from '../../../src/app/settings/SettingsPage';
import { fail, mockFunctions, ok } from '../factories';
import { mockSettings } from './portal-options-factory';

afterEach(() => jest.restoreAllMocks());

function buildProgram(overrides: Record<string, unknown> = {}) {
  return { id: 'spring-2026', name: 'Spring referrals', status: 'draft', rewards: { referrer: { kind: 'gift_card', amount: 2500, currency: 'EUR' }, tiers: [], caps: {}, holdDays: 0 }, ...overrides };
}

function setup() {
  const renderer = createRenderer('settings');
  Object.assign(renderer.mocks.context.user, { id: 42, email: 'admin@example.com' });
  return renderer;
}

const field = (r: ReturnType<typeof setup>, Component: typeof Input | typeof NumberInput, name: string) => r.find(Component as typeof Input, { name });

describe('settings page', () => {
  test('shows a spinner, then the programs to choose from', async () => {
    mockSettings(() => ok({ programs: [buildProgram(), buildProgram({ id: 'vip', name: 'VIP' })] }));
    const r = setup();
    r.render(<SettingsPage />);
    expect(r.find(LoadingSpinner).props.label).toBe('Loading referral programs');
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    expect(r.find(Select, { name: 'program' }).props.options).toEqual([{ label: 'Spring referrals', value: 'spring-2026' }, { label: 'VIP', value: 'vip' }]);
  });

  test('a load failure explains itself and can be retried', async () => {
    let attempt = 0;
    mockSettings(() => (++attempt === 1 ? fail('UNREACHABLE', 'The referral service could not be reached.') : ok({ programs: [] })));
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => expect(r.find(ErrorState).find(Text).text).toBe('The referral service could not be reached.'));
    r.find(ErrorState).find(Button).trigger('onClick');
    await r.waitFor(() => r.find(EmptyState));
    expect(r.find(EmptyState).find(Text).text).toContain('PUT /api/programs/:id');
  });

  test("without the portal's options the page says so instead of asking for ids", async () => {
    mockFunctions({ 'program-settings': (p) => (p.action === 'options' ? fail('UPSTREAM_FAILED', 'HubSpot did not answer.') : ok({ programs: [buildProgram()] })) });
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => expect(r.find(ErrorState).find(Text).text).toBe("Your portal's owners, stages and properties could not be read: HubSpot did not answer."));
    expect(r.findAll(Input)).toHaveLength(0);
  });

  test('edits and saves a program, sending the acting user', async () => {
    const fns = mockSettings((p) => (p.action === 'list' ? ok({ programs: [buildProgram()] }) : ok({ program: p.program })));
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    expect(field(r, Input, 'rewards.referrer.amount').props.value).toBe('25.00');
    field(r, Input, 'rewards.referrer.amount').trigger('onChange', '30.50' as never);
    field(r, NumberInput, 'capture.attributionWindowDays').trigger('onChange', 30 as never);
    r.find(Toggle, { name: 'rewards.friendEnabled' }).trigger('onChange', true as never);
    r.find(LoadingButton).trigger('onClick');
    await r.waitFor(() => expect(r.mocks.actions.addAlert.calls).toEqual([[{ type: 'success', message: 'Spring referrals saved' }]]));
    const saved = fns.calls.find((c) => c.parameters.action === 'save');
    expect(saved?.parameters).toMatchObject({
      actor: { userId: '42', email: 'admin@example.com' },
      program: { rewards: { referrer: { amount: 3050 }, friend: { kind: 'gift_card', amount: 3050, currency: 'EUR' } }, capture: { attributionWindowDays: 30 } },
    });
  });

  test("sets a revenue share: percent of the deal with a maximum in the program's currency", async () => {
    const fns = mockSettings((p) => (p.action === 'list' ? ok({ programs: [buildProgram()] }) : ok({ program: p.program })));
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    r.find(Toggle, { name: 'rewards.referrer.revenueShareEnabled' }).trigger('onChange', true as never);
    expect(field(r, Input, 'rewards.referrer.amount').props.label).toBe('Fixed referrer reward (EUR)');
    field(r, NumberInput, 'rewards.referrer.revenueShare.percent').trigger('onChange', 12.5 as never);
    field(r, Input, 'rewards.referrer.revenueShare.max').trigger('onChange', '1,000.00' as never);
    r.find(LoadingButton).trigger('onClick');
    await r.waitFor(() => expect(fns.calls.some((c) => c.parameters.action === 'save')).toBe(true));
    expect(fns.calls.find((c) => c.parameters.action === 'save')?.parameters).toMatchObject({
      program: { rewards: { referrer: { amount: 2500, currency: 'EUR', revenueShare: { percent: 12.5, max: 100_000 } } } },
    });
  });

  test('marks a maximum below the minimum beside the maximum and sends nothing', async () => {
    const fns = mockSettings(() => ok({ programs: [buildProgram()] }));
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    r.find(Toggle, { name: 'rewards.referrer.revenueShareEnabled' }).trigger('onChange', true as never);
    field(r, Input, 'rewards.referrer.revenueShare.min').trigger('onChange', '500' as never);
    field(r, Input, 'rewards.referrer.revenueShare.max').trigger('onChange', '100' as never);
    r.find(LoadingButton).trigger('onClick');
    await r.waitFor(() => expect(field(r, Input, 'rewards.referrer.revenueShare.max').props.validationMessage).toBe('Maximum reward (100.00 EUR) cannot be below the minimum (500.00 EUR)'));
    expect(fns.calls.some((c) => c.parameters.action === 'save')).toBe(false);
  });

  test('invalid settings are marked beside their fields and not sent', async () => {
    const fns = mockSettings(() => ok({ programs: [buildProgram()] }));
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    field(r, NumberInput, 'rewards.holdDays').trigger('onChange', -2 as never);
    r.find(LoadingButton).trigger('onClick');
    expect(field(r, NumberInput, 'rewards.holdDays').props.validationMessage).toBe('Hold period cannot be negative');
    expect(r.find(Alert).text).toBe('1 setting needs fixing; see the marked fields.');
    expect(fns.calls.filter((c) => c.parameters.action === 'save')).toEqual([]);
    field(r, NumberInput, 'rewards.holdDays').trigger('onChange', 14 as never);
    expect(field(r, NumberInput, 'rewards.holdDays').props.validationMessage).toBeUndefined();
  });

  test('a mistyped amount is explained before anything is saved', async () => {
    mockSettings(() => ok({ programs: [buildProgram()] }));
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    field(r, Input, 'rewards.referrer.amount').trigger('onChange', '12,50' as never);
    expect(field(r, Input, 'rewards.referrer.amount').props.validationMessage).toBe('"12,50" is not an amount; write it like 1234.50 (dot for decimals)');
  });

  test("issues found by the service are shown beside the fields they concern", async () => {
    mockSettings((p) =>
      p.action === 'list'
        ? ok({ programs: [buildProgram({ capture: { routing: { kind: 'fixed', ownerId: '99' } } })] })
        : fail('VALIDATION_FAILED', 'Invalid program', [{ path: 'capture.routing.ownerId', message: 'Owner 99 does not exist in HubSpot' }]));
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    r.find(LoadingButton).trigger('onClick');
    await r.waitFor(() => expect(r.find(Select, { name: 'capture.routing.ownerId' }).props.validationMessage).toBe('Owner 99 does not exist in HubSpot'));
    expect(r.find(Select, { name: 'capture.routing.ownerId' }).props.options).toContainEqual({ value: '99', label: 'An owner no longer in HubSpot (removed or deactivated): choose another' });
    expect(r.find(Alert).text).toBe('Invalid program');
  });

  test('enrolment rules can be added and edited', async () => {
    const fns = mockSettings((p) => (p.action === 'list' ? ok({ programs: [buildProgram()] }) : ok({ program: p.program })));
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    r.findByTestId(Button, 'add-criteria-group').trigger('onClick');
    r.find(Select, { name: 'enrolment.criteria.0.filters.0.value' }).trigger('onChange', 'evangelist' as never);
    r.find(LoadingButton).trigger('onClick');
    await r.waitFor(() => expect(fns.calls.some((c) => c.parameters.action === 'save')).toBe(true));
    expect(fns.calls.find((c) => c.parameters.action === 'save')?.parameters).toMatchObject({
      program: { enrolment: { criteria: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'evangelist' }] }] } },
    });
  });
});

describe('launch checklist', () => {
  test('shows the checks of the chosen program, each failure with its fix, and runs them again', async () => {
    let runs = 0;
    const fns = mockSettings((p) => {
      if (p.action === 'list') return ok({ programs: [buildProgram()] });
      runs++;
      return ok({
        checklist: {
          ok: runs > 1,
          checks: [
            { group: 'HubSpot', name: 'the access token is accepted', ok: true },
            { group: 'Program', name: 'names an owner', ok: runs > 1, fix: 'Choose the HubSpot owner responsible for this program' },
          ],
        },
      });
    });
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    await r.waitFor(() => expect(r.findAll(StatusTag)).toHaveLength(2));
    expect(r.findAll(StatusTag).map((t) => t.text)).toEqual(['Pass', 'Fail']);
    expect(r.findAll(Text).map((t) => t.text)).toContain('Fix: Choose the HubSpot owner responsible for this program');
    expect(fns.calls.find((c) => c.parameters.action === 'doctor')?.parameters).toMatchObject({ programId: 'spring-2026' });

    r.find(Button, { testId: 'rerun-launch-checks' }).trigger('onClick');
    await r.waitFor(() => expect(r.findAll(StatusTag).map((t) => t.text)).toEqual(['Pass', 'Pass']));
    expect(r.findAll(Text).map((t) => t.text)).toContain('Everything needed to go live is in place.');
  });

  test('says why the checks could not run', async () => {
    mockSettings((p) => (p.action === 'list' ? ok({ programs: [buildProgram()] }) : fail('UNREACHABLE', 'The referral service could not be reached.')));
    const r = setup();
    r.render(<SettingsPage />);
    await r.waitFor(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    await r.waitFor(() => expect(r.find(Alert, { title: 'The checks could not run' }).text).toContain('could not be reached'));
  });
});
