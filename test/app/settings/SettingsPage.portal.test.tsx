import {
  Alert, Button, Checkbox, DateInput, Input, LoadingButton, MultiSelect, NumberInput, Select, Toggle,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { SettingsPage } from '../../../src/app/settings/SettingsPage';
import { handle as programSettings } from '../../../src/functions/program-settings';
import { PORTAL_OPTIONS_TTL_MS } from '../../../server/portal/routes';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';
import { mockFunctions } from '../factories';

/**
 * The settings page against the sandbox portal: HubSpot's function runner is the one stand-in; the
 * settings function, the service and the portal behind it are the real ones.
 */
let h: Harness;
let now = Date.now();
let rita: string;
let sam: string;

beforeAll(async () => {
  h = await startHarness({ clock: () => now });
  rita = h.sandbox.portal.owners.add({ firstName: 'Rita', lastName: 'Rossi', email: 'rita@sandbox-owners.example' }).id;
  sam = h.sandbox.portal.owners.add({ firstName: 'Sam', lastName: 'Berg', email: 'sam.berg@sandbox-owners.example' }).id;
  await h.hubspot.crm.pipelines.pipelinesApi.create('deals', {
    label: 'Partner deals', displayOrder: 1,
    stages: [{ label: 'Signed', displayOrder: 1, metadata: { isClosed: 'true', probability: '1.0' } }, { label: 'Intro call', displayOrder: 0, metadata: { probability: '0.2' } }],
  });
  await h.hubspot.crm.properties.groupsApi.create('contacts', { name: 'partner_data', label: 'Partner data', displayOrder: 3 });
  const property = (name: string, label: string, type: string, fieldType: string, options?: Array<{ label: string; value: string; displayOrder: number; hidden: boolean }>) =>
    h.hubspot.crm.properties.coreApi.create('contacts', { name, label, type: type as never, fieldType: fieldType as never, groupName: 'partner_data', ...(options && { options }) });
  await property('partner_tier', 'Partner tier', 'enumeration', 'select', [{ label: 'Gold', value: 'gold', displayOrder: 0, hidden: false }, { label: 'Silver', value: 'silver', displayOrder: 1, hidden: false }]);
  await property('seats', 'Seats', 'number', 'number');
  await property('contract_start', 'Contract start', 'date', 'date');
  await property('is_partner', 'Is partner', 'bool', 'booleancheckbox');
});
afterAll(() => h.close());
beforeEach(async () => {
  for (const table of ['audit_events', 'rewards', 'referrals', 'enrolments', 'programs'] as const) await h.database.db.deleteFrom(table).execute();
});
afterEach(() => jest.restoreAllMocks());

/** HubSpot's runner calling the real function, as the signed-in user, against the harness's service. */
function realFunction() {
  return mockFunctions({
    'program-settings': (parameters) => programSettings({ parameters }, { env: { SERVICE_URL: h.url, SERVICE_ADMIN_KEY: TEST_ADMIN_KEY }, fetch }),
  });
}

/** Each answer crosses the function, the service and the portal; a slow machine gets time, never a timing assertion. */
const wait = (r: ReturnType<typeof createRenderer>, check: () => unknown) => r.waitFor(check, { timeoutInMs: 20_000 });

async function openProgram(overrides: Parameters<typeof createProgram>[1] = {}) {
  await createProgram(h, { ownerId: rita, ...overrides });
  const fns = realFunction();
  const r = createRenderer('settings');
  Object.assign(r.mocks.context.user, { id: 42, email: 'admin@example.com' });
  r.render(<SettingsPage />);
  await wait(r, () => r.find(Select, { name: 'program' }));
  r.find(Select, { name: 'program' }).trigger('onChange', 'spring' as never);
  return { r, fns };
}

type R = Awaited<ReturnType<typeof openProgram>>['r'];
const select = (r: R, name: string) => r.find(Select, { name });
const labels = (r: R, name: string) => select(r, name).props.options.map((o) => o.label);
const savedConfig = async () => JSON.parse((await h.database.db.selectFrom('programs').select('config').where('id', '=', 'spring').executeTakeFirstOrThrow()).config);

describe('settings page pickers, filled from the sandbox portal', () => {
  test("the owner picker lists the portal's owners by name and email and stores the id it never shows", async () => {
    const { r } = await openProgram();
    expect(select(r, 'ownerId').props.options).toEqual([
      { label: 'Rita Rossi (rita@sandbox-owners.example)', value: rita },
      { label: 'Sam Berg (sam.berg@sandbox-owners.example)', value: sam },
    ]);
    expect(select(r, 'ownerId').props.value).toBe(rita);
    select(r, 'capture.routing.kind').trigger('onChange', 'round_robin' as never);
    expect(r.find(MultiSelect, { name: 'capture.routing.ownerIds' }).props.options.map((o) => o.label)).toEqual(labels(r, 'ownerId'));
    r.find(MultiSelect, { name: 'capture.routing.ownerIds' }).trigger('onChange', [sam, rita] as never);
    select(r, 'ownerId').trigger('onChange', sam as never);
    r.find(LoadingButton).trigger('onClick');
    await wait(r, () => expect(r.mocks.actions.addAlert.calls.length).toBe(1));
    expect(await savedConfig()).toMatchObject({ ownerId: sam, capture: { routing: { kind: 'round_robin', ownerIds: [sam, rita] } } });
  });

  test("lifecycle stages come in the portal's order with its labels, for the milestone and for referred contacts", async () => {
    const { r } = await openProgram();
    const portalStages = h.sandbox.portal.propertyDefinition('contacts', 'lifecyclestage')!.options
      .filter((o) => !o.hidden).sort((a, b) => a.displayOrder - b.displayOrder).map((o) => o.label);
    expect(labels(r, 'qualification.milestone.stage')).toEqual(portalStages);
    expect(labels(r, 'capture.lifecycleStage')).toEqual(portalStages);
    expect(select(r, 'qualification.milestone.stage').props.value).toBe('customer');
  });

  test('the deal stage list follows the chosen pipeline', async () => {
    const { r } = await openProgram();
    select(r, 'qualification.milestone.kind').trigger('onChange', 'deal_stage' as never);
    expect(labels(r, 'qualification.milestone.pipelineId')).toEqual(['Sales Pipeline', 'Partner deals']);
    const sales = h.sandbox.portal.pipelines.get('default').stages;
    expect(labels(r, 'qualification.milestone.stageId')).toEqual([...sales].sort((a, b) => a.displayOrder - b.displayOrder).map((s) => s.label));
    const partner = select(r, 'qualification.milestone.pipelineId').props.options.find((o) => o.label === 'Partner deals')!.value;
    select(r, 'qualification.milestone.stageId').trigger('onChange', 'closedwon' as never);
    select(r, 'qualification.milestone.pipelineId').trigger('onChange', partner as never);
    expect(labels(r, 'qualification.milestone.stageId')).toEqual(['Intro call', 'Signed']);
    expect(select(r, 'qualification.milestone.stageId').props.value).toBeUndefined();
    const signed = select(r, 'qualification.milestone.stageId').props.options.find((o) => o.label === 'Signed')!.value;
    select(r, 'qualification.milestone.stageId').trigger('onChange', signed as never);
    r.find(LoadingButton).trigger('onClick');
    await wait(r, () => expect(r.mocks.actions.addAlert.calls.length).toBe(1));
    expect((await savedConfig()).qualification.milestone).toEqual({ kind: 'deal_stage', pipelineId: partner, stageId: signed, orLater: true });
  });

  test("the property picker lists the portal's contact properties as HubSpot groups them", async () => {
    const { r } = await openProgram();
    r.findByTestId(Button, 'add-criteria-group').trigger('onClick');
    const shown = labels(r, 'enrolment.criteria.0.filters.0.propertyName');
    expect(shown).toEqual(expect.arrayContaining(['Contact information: Email', 'Contact information: Lifecycle Stage', 'Partner data: Partner tier', 'Partner data: Seats']));
    const groupOf = (label: string) => label.split(': ')[0];
    // each group's properties together, groups in the portal's order
    const groups = shown.map(groupOf).filter((g, i, all) => all.indexOf(g) === i);
    expect(shown.map(groupOf)).toEqual(groups.flatMap((g) => shown.map(groupOf).filter((x) => x === g)));
    const portalGroups = h.sandbox.portal.properties.listGroups('contacts').filter((g) => shown.some((l) => groupOf(l) === g.label));
    expect(groups).toEqual([...portalGroups].sort((a, b) => a.displayOrder - b.displayOrder || a.label.localeCompare(b.label)).map((g) => g.label));
  });

  test('the value input and the operators follow the property type, in words', async () => {
    const { r } = await openProgram();
    r.findByTestId(Button, 'add-criteria-group').trigger('onClick');
    const at = 'enrolment.criteria.0.filters.0';
    const pick = (name: string) => select(r, `${at}.propertyName`).trigger('onChange', name as never);
    const operators = () => labels(r, `${at}.operator`);
    const operator = (words: string) => select(r, `${at}.operator`).trigger('onChange', select(r, `${at}.operator`).props.options.find((o) => o.label === words)!.value as never);

    pick('partner_tier');
    expect(operators()).toEqual(['is', 'is not', 'is any of', 'is none of', 'is known', 'is unknown']);
    expect(labels(r, `${at}.value`)).toEqual(['Gold', 'Silver']);
    operator('is any of');
    expect(r.find(MultiSelect, { name: `${at}.values` }).props.options.map((o) => o.label)).toEqual(['Gold', 'Silver']);
    r.find(MultiSelect, { name: `${at}.values` }).trigger('onChange', ['gold', 'silver'] as never);

    const addCondition = r.findAll(Button).find((b) => b.text === 'Add condition')!;
    addCondition.trigger('onClick');
    const second = 'enrolment.criteria.0.filters.1';
    select(r, `${second}.propertyName`).trigger('onChange', 'seats' as never);
    expect(labels(r, `${second}.operator`)).toContain('is at least');
    expect(r.find(NumberInput, { name: `${second}.value` }).props.label).toBe('Value of Seats');
    select(r, `${second}.operator`).trigger('onChange', 'GTE' as never);
    r.find(NumberInput, { name: `${second}.value` }).trigger('onChange', 5 as never);

    r.findAll(Button).filter((b) => b.text === 'Add condition')[0]!.trigger('onClick');
    const third = 'enrolment.criteria.0.filters.2';
    select(r, `${third}.propertyName`).trigger('onChange', 'contract_start' as never);
    expect(labels(r, `${third}.operator`)).toEqual(['is on', 'is not on', 'is before', 'is on or before', 'is after', 'is on or after', 'is between', 'is known', 'is unknown']);
    select(r, `${third}.operator`).trigger('onChange', 'GT' as never);
    r.find(DateInput, { name: `${third}.value` }).trigger('onChange', { year: 2026, month: 0, date: 31 } as never);

    r.findAll(Button).filter((b) => b.text === 'Add condition')[0]!.trigger('onClick');
    const fourth = 'enrolment.criteria.0.filters.3';
    select(r, `${fourth}.propertyName`).trigger('onChange', 'is_partner' as never);
    expect(r.find(Checkbox, { name: `${fourth}.value` }).props.checked).toBe(true);

    r.find(LoadingButton).trigger('onClick');
    await wait(r, () => expect(r.mocks.actions.addAlert.calls.length).toBe(1));
    expect((await savedConfig()).enrolment.criteria).toEqual([{ filters: [
      { propertyName: 'partner_tier', operator: 'IN', values: ['gold', 'silver'] },
      { propertyName: 'seats', operator: 'GTE', value: '5' },
      { propertyName: 'contract_start', operator: 'GT', value: String(Date.UTC(2026, 0, 31)) },
      { propertyName: 'is_partner', operator: 'EQ', value: 'true' },
    ] }]);
    // what was saved is what HubSpot's search takes: the sandbox runs it
    const found = await h.hubspot.crm.contacts.searchApi.doSearch({ filterGroups: (await savedConfig()).enrolment.criteria, limit: 1 });
    expect(found.total).toBe(0);
  });

  test('a text property takes text, and a property milestone compares a date as a day', async () => {
    const { r } = await openProgram();
    r.findByTestId(Button, 'add-criteria-group').trigger('onClick');
    select(r, 'enrolment.criteria.0.filters.0.propertyName').trigger('onChange', 'email' as never);
    expect(labels(r, 'enrolment.criteria.0.filters.0.operator')).toContain('contains the word');
    expect(r.find(Input, { name: 'enrolment.criteria.0.filters.0.value' }).props.label).toBe('Value of Email');

    select(r, 'qualification.milestone.kind').trigger('onChange', 'property' as never);
    select(r, 'qualification.milestone.propertyName').trigger('onChange', 'contract_start' as never);
    expect(labels(r, 'qualification.milestone.operator')).toEqual(['is on', 'is not on', 'is after', 'is on or after', 'is before', 'is on or before', 'is known']);
    select(r, 'qualification.milestone.operator').trigger('onChange', 'gte' as never);
    r.find(DateInput, { name: 'qualification.milestone.value' }).trigger('onChange', { year: 2026, month: 2, date: 1 } as never);
    select(r, 'qualification.milestone.operator').trigger('onChange', 'is_set' as never);
    expect(r.findAll(DateInput, { name: 'qualification.milestone.value' })).toHaveLength(0);
    select(r, 'qualification.milestone.operator').trigger('onChange', 'gte' as never);
    r.find(DateInput, { name: 'qualification.milestone.value' }).trigger('onChange', { year: 2026, month: 2, date: 1 } as never);
    r.find(Input, { name: 'enrolment.criteria.0.filters.0.value' }).trigger('onChange', 'example.com' as never);
    r.find(LoadingButton).trigger('onClick');
    await wait(r, () => expect(r.mocks.actions.addAlert.calls.length).toBe(1));
    expect((await savedConfig()).qualification.milestone).toEqual({ kind: 'property', propertyName: 'contract_start', operator: 'gte', value: '2026-03-01' });
  });

  test('currencies come from the portal; amounts stay in major units when the currency changes', async () => {
    const { r } = await openProgram();
    expect(labels(r, 'rewards.referrer.currency')).toEqual(['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD']);
    expect(r.find(Input, { name: 'rewards.referrer.amount' }).props).toMatchObject({ label: 'Referrer reward amount (USD)', value: '50.00' });
    r.find(Toggle, { name: 'rewards.friendEnabled' }).trigger('onChange', true as never);
    select(r, 'rewards.referrer.currency').trigger('onChange', 'EUR' as never);
    expect(r.find(Input, { name: 'rewards.referrer.amount' }).props).toMatchObject({ label: 'Referrer reward amount (EUR)', value: '50.00' });
    select(r, 'rewards.referrer.currency').trigger('onChange', 'JPY' as never);
    expect(r.find(Input, { name: 'rewards.referrer.amount' }).props.validationMessage).toMatch(/JPY/);
    r.find(Input, { name: 'rewards.referrer.amount' }).trigger('onChange', '5000' as never);
    r.find(Input, { name: 'rewards.friend.amount' }).trigger('onChange', '2000' as never);
    r.find(LoadingButton).trigger('onClick');
    await wait(r, () => expect(r.mocks.actions.addAlert.calls.length).toBe(1));
    expect((await savedConfig()).rewards).toMatchObject({ referrer: { amount: 5000, currency: 'JPY' }, friend: { amount: 2000, currency: 'JPY' } });
  });

  test("the friend's revenue share and the velocity thresholds are set in words", async () => {
    const { r } = await openProgram({ rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'EUR' }, friend: { kind: 'discount', amount: 2000, currency: 'EUR' } } });
    r.find(Toggle, { name: 'rewards.friend.revenueShareEnabled' }).trigger('onChange', true as never);
    expect(r.find(Toggle, { name: 'rewards.friend.revenueShareEnabled' }).props.label).toBe("Pay the friend a share of the deal's amount");
    r.find(NumberInput, { name: 'rewards.friend.revenueShare.percent' }).trigger('onChange', 5 as never);
    r.find(Input, { name: 'rewards.friend.revenueShare.max' }).trigger('onChange', '250' as never);
    expect(r.find(NumberInput, { name: 'review.velocity.friendsPerReferrer' }).props).toMatchObject({ label: 'Friends referred by one referrer', value: 5, description: 'More friends than this from one referrer within 60 minutes is too fast.' });
    r.find(NumberInput, { name: 'review.velocity.windowMinutes' }).trigger('onChange', 30 as never);
    r.find(NumberInput, { name: 'review.velocity.capturesPerIp' }).trigger('onChange', 8 as never);
    expect(r.find(NumberInput, { name: 'review.velocity.capturesPerIp' }).props.description).toBe('More referrals than this from one IP address within 30 minutes is too fast.');
    r.find(LoadingButton).trigger('onClick');
    await wait(r, () => expect(r.mocks.actions.addAlert.calls.length).toBe(1));
    const saved = await savedConfig();
    expect(saved.rewards.friend.revenueShare).toMatchObject({ percent: 5, max: 25_000 });
    expect(saved.review.velocity).toEqual({ windowMinutes: 30, friendsPerReferrer: 5, capturesPerIp: 8, capturesPerBrowser: 3 });
  });

  test('no field asks for an id', async () => {
    const { r } = await openProgram();
    r.findByTestId(Button, 'add-criteria-group').trigger('onClick');
    select(r, 'qualification.milestone.kind').trigger('onChange', 'deal_stage' as never);
    select(r, 'capture.routing.kind').trigger('onChange', 'fixed' as never);
    r.find(Toggle, { name: 'rewards.friendEnabled' }).trigger('onChange', true as never);
    r.find(Toggle, { name: 'rewards.referrer.revenueShareEnabled' }).trigger('onChange', true as never);
    const fieldLabels = [Input, NumberInput, Select, MultiSelect, DateInput, Toggle]
      .flatMap((C) => r.findAll(C as typeof Input).map((n) => [String(n.props.label), String(n.props.description ?? '')].join(' ')));
    expect(fieldLabels.length).toBeGreaterThan(30);
    expect(fieldLabels.filter((l) => /\bids?\b|identifier/i.test(l))).toEqual([]);
    const optionLabels = [Select, MultiSelect].flatMap((C) => r.findAll(C as typeof Select).flatMap((n) => n.props.options.map((o) => o.label)));
    expect(optionLabels.filter((l) => /^\d+$|_/.test(l))).toEqual([]);
  });

  test('saving an active program says what it reaches in flight, and the save is audited with the user', async () => {
    const { r } = await openProgram({ status: 'active' });
    await createReferral(h);
    await createReferral(h);
    r.find(Input, { name: 'name' }).trigger('onChange', 'Summer referrals' as never);
    await wait(r, () => expect(r.find(Alert, { title: 'This program is live' }).text)
      .toBe('Saving changes it for referrals already in flight: 2 referrals awaiting a decision will use the new rules.'));
    r.find(LoadingButton).trigger('onClick');
    await wait(r, () => expect(r.mocks.actions.addAlert.calls).toEqual([[{ type: 'success', message: 'Summer referrals saved. 2 referrals awaiting a decision will use the new rules.' }]]));
    const audit = await h.database.db.selectFrom('audit_events').selectAll().where('entity', '=', 'program').where('reason', '=', 'settings saved').execute();
    expect(audit.map((a) => [a.actor_type, a.actor_id, JSON.parse(a.data!)])).toEqual([['hubspot_user', '42:admin@example.com', { changed: ['name'] }]]);
  });

  test('unsaved changes are kept when the admin opens another program by mistake, with a warning', async () => {
    await createProgram(h, { id: 'vip', name: 'VIP referrals', ownerId: rita });
    const { r } = await openProgram();
    r.find(Input, { name: 'name' }).trigger('onChange', 'Spring, edited' as never);
    r.find(Input, { name: 'rewards.referrer.amount' }).trigger('onChange', '75' as never);
    expect(r.findByTestId(Button, 'discard-changes')).toBeDefined();
    select(r, 'program').trigger('onChange', 'vip' as never);
    expect(r.find(Alert, { title: 'Unsaved changes kept' }).text).toContain('Your changes to Spring referrals are not saved yet');
    expect(labels(r, 'program')).toEqual(['Spring referrals (unsaved changes)', 'VIP referrals']);
    select(r, 'program').trigger('onChange', 'spring' as never);
    expect(r.find(Input, { name: 'name' }).props.value).toBe('Spring, edited');
    expect(r.find(Input, { name: 'rewards.referrer.amount' }).props.value).toBe('75.00');
    r.findByTestId(Button, 'discard-changes').trigger('onClick');
    expect(r.find(Input, { name: 'name' }).props.value).toBe('Spring referrals');
    expect(r.find(Input, { name: 'rewards.referrer.amount' }).props.value).toBe('50.00');
    expect(r.findAll(Alert, { title: 'Unsaved changes kept' })).toHaveLength(0);
  });

  // Last: it gives the portal more owners than the page lists.
  test('in a portal with more owners than the page lists, typing searches HubSpot by name or email', async () => {
    for (let i = 0; i < 120; i++) h.sandbox.portal.owners.add({ firstName: 'Aaron', lastName: `Temp${i}`, email: `aaron${i}@sandbox-owners.example` });
    now += PORTAL_OPTIONS_TTL_MS;
    const { r, fns } = await openProgram();
    expect(labels(r, 'ownerId').some((l) => l.startsWith('Sam Berg'))).toBe(false);
    // the program's own owner is beyond the first page: looked up by id and named
    await wait(r, () => expect(labels(r, 'ownerId')).toContain('Rita Rossi (rita@sandbox-owners.example)'));
    select(r, 'ownerId').trigger('onInput', 'berg' as never);
    await wait(r, () => expect(labels(r, 'ownerId')).toContain('Sam Berg (sam.berg@sandbox-owners.example)'));
    expect(fns.calls.filter((c) => c.parameters.action === 'owners').map((c) => c.parameters.q)).toEqual(['berg']);
    select(r, 'ownerId').trigger('onChange', sam as never);
    r.find(LoadingButton).trigger('onClick');
    await wait(r, () => expect(r.mocks.actions.addAlert.calls.length).toBe(1));
    expect((await savedConfig()).ownerId).toBe(sam);
  });
});
