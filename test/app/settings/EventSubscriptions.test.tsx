import { Alert, Button, Checkbox, Input, LoadingButton, StatusTag, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import type { EventSubscriptionView } from '../../../src/app/packages/contracts/events';
import { EventSubscriptions } from '../../../src/app/settings/EventSubscriptions';
import { fail, mockFunctions, ok } from '../factories';

afterEach(() => jest.restoreAllMocks());

const actor = { userId: '42', email: 'admin@example.com' };

function buildSubscription(overrides: Partial<EventSubscriptionView> = {}): EventSubscriptionView {
  return {
    id: 'sub_1', programId: 'spring-2026', kind: 'webhook', status: 'active', url: 'https://hooks.example.com/referrals',
    secretRef: 'REFERRAL_EVENTS_SECRET', eventTypes: ['reward.issued'], failingSince: null, createdAt: '2026-04-01T09:00:00.000Z', ...overrides,
  };
}

/** A service holding subscriptions, answering the panel's actions as the program-settings function does. */
function serviceWith(initial: EventSubscriptionView[]) {
  let subscriptions = [...initial];
  return mockFunctions({
    'program-settings': (p) => {
      switch (p.action) {
        case 'subscriptions':
          return ok({ subscriptions });
        case 'subscribe': {
          const input = p.subscription as { url: string; secretRef: string; eventTypes: EventSubscriptionView['eventTypes'] };
          const added = buildSubscription({ id: `sub_${subscriptions.length + 1}`, ...input });
          subscriptions = [...subscriptions, added];
          return ok({ subscription: added });
        }
        case 'setSubscriptionStatus':
          subscriptions = subscriptions.map((s) => (s.id === p.subscriptionId ? { ...s, status: p.status as 'active' | 'paused' } : s));
          return ok({ subscription: subscriptions.find((s) => s.id === p.subscriptionId) });
        case 'unsubscribe':
          subscriptions = subscriptions.filter((s) => s.id !== p.subscriptionId);
          return ok({ removed: p.subscriptionId });
        default:
          return fail('BAD_PARAMETERS', `unexpected action ${String(p.action)}`);
      }
    },
  });
}

function setup() {
  const r = createRenderer('settings');
  r.render(<EventSubscriptions programId="spring-2026" actor={actor} />);
  return r;
}

describe('event subscriptions panel', () => {
  test("lists the program's subscriptions with their state; the fulfilment webhook offers no pause or remove", async () => {
    serviceWith([
      buildSubscription(),
      buildSubscription({ id: 'sub_2', status: 'paused', url: 'https://crm.example.com/hook' }),
      buildSubscription({ id: 'sub_fulfilment_spring-2026', kind: 'fulfilment', url: 'https://payouts.example.com/hook', eventTypes: ['reward.approved'], failingSince: '2026-04-02T10:00:00.000Z' }),
    ]);
    const r = setup();
    await r.waitFor(() => expect(r.findAll(StatusTag)).toHaveLength(3));
    expect(r.findAll(StatusTag).map((t) => t.text)).toEqual(['Active', 'Paused', 'Failing']);
    expect(r.findByTestId(Button, 'toggle-sub_1').text).toBe('Pause');
    expect(r.findByTestId(Button, 'toggle-sub_2').text).toBe('Resume');
    expect(r.maybeFind(Button, { testId: 'toggle-sub_fulfilment_spring-2026' })).toBeNull();
    expect(r.maybeFind(Button, { testId: 'remove-sub_fulfilment_spring-2026' })).toBeNull();
    expect(r.findAll(Text).map((t) => t.text)).toContain("Set by the program's fulfilment setting; change it there.");
  });

  test('adds a subscription from the URL, the checked event types and the name of the secret setting, then shows it', async () => {
    const fns = serviceWith([]);
    const r = setup();
    await r.waitFor(() => expect(r.findAll(Text).map((t) => t.text)).toContain('No subscriptions yet.'));
    r.find(Input, { name: 'subscription.url' }).trigger('onChange', 'https://hooks.example.com/new' as never);
    r.find(Input, { name: 'subscription.secretRef' }).trigger('onChange', 'REFERRAL_EVENTS_SECRET' as never);
    r.find(Checkbox, { name: 'subscription.eventTypes.reward.issued' }).trigger('onChange', true as never);
    r.find(Checkbox, { name: 'subscription.eventTypes.referral.qualified' }).trigger('onChange', true as never);
    r.find(Checkbox, { name: 'subscription.eventTypes.reward.issued' }).trigger('onChange', false as never);
    r.find(Checkbox, { name: 'subscription.eventTypes.enrolment.created' }).trigger('onChange', true as never);
    r.findByTestId(LoadingButton, 'add-subscription').trigger('onClick');

    await r.waitFor(() => expect(r.findAll(StatusTag).map((t) => t.text)).toEqual(['Active']));
    expect(fns.calls.find((c) => c.parameters.action === 'subscribe')?.parameters).toEqual({
      action: 'subscribe', programId: 'spring-2026', actor,
      subscription: { url: 'https://hooks.example.com/new', secretRef: 'REFERRAL_EVENTS_SECRET', eventTypes: ['enrolment.created', 'referral.qualified'] },
    });
    // The form is empty again for the next one.
    expect(r.find(Input, { name: 'subscription.url' }).props.value).toBe('');
    expect(r.find(Checkbox, { name: 'subscription.eventTypes.enrolment.created' }).props.checked).toBe(false);
  });

  test("the service's refusal is shown beside the field it names, and the form keeps what was typed", async () => {
    mockFunctions({
      'program-settings': (p) => (p.action === 'subscriptions'
        ? ok({ subscriptions: [] })
        : fail('VALIDATION_FAILED', 'Invalid event subscription: secretRef: the service has no setting NOPE', [
          { path: 'secretRef', message: 'the service has no setting NOPE' }, { path: 'eventTypes', message: 'name at least one event type' },
        ])),
    });
    const r = setup();
    await r.waitFor(() => expect(r.findAll(Text).map((t) => t.text)).toContain('No subscriptions yet.'));
    r.find(Input, { name: 'subscription.url' }).trigger('onChange', 'https://hooks.example.com/new' as never);
    r.find(Input, { name: 'subscription.secretRef' }).trigger('onChange', 'NOPE' as never);
    r.findByTestId(LoadingButton, 'add-subscription').trigger('onClick');

    await r.waitFor(() => expect(r.find(Input, { name: 'subscription.secretRef' }).props.validationMessage).toBe('the service has no setting NOPE'));
    expect(r.findAll(Text).map((t) => t.text)).toContain('name at least one event type');
    expect(r.find(Alert).text).toContain('Invalid event subscription');
    expect(r.find(Input, { name: 'subscription.url' }).props.value).toBe('https://hooks.example.com/new');
    r.find(Input, { name: 'subscription.secretRef' }).trigger('onChange', 'REFERRAL_EVENTS_SECRET' as never);
    expect(r.find(Input, { name: 'subscription.secretRef' }).props.validationMessage).toBeUndefined();
  });

  test('pauses, resumes and removes a subscription, acting as the signed-in user', async () => {
    const fns = serviceWith([buildSubscription()]);
    const r = setup();
    await r.waitFor(() => expect(r.findByTestId(Button, 'toggle-sub_1').text).toBe('Pause'));
    r.findByTestId(Button, 'toggle-sub_1').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Button, 'toggle-sub_1').text).toBe('Resume'));
    expect(r.findAll(StatusTag).map((t) => t.text)).toEqual(['Paused']);
    r.findByTestId(Button, 'toggle-sub_1').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(Button, 'toggle-sub_1').text).toBe('Pause'));
    r.findByTestId(Button, 'remove-sub_1').trigger('onClick');
    await r.waitFor(() => expect(r.findAll(Text).map((t) => t.text)).toContain('No subscriptions yet.'));
    expect(fns.calls.filter((c) => c.parameters.action !== 'subscriptions').map((c) => c.parameters)).toEqual([
      { action: 'setSubscriptionStatus', status: 'paused', subscriptionId: 'sub_1', actor },
      { action: 'setSubscriptionStatus', status: 'active', subscriptionId: 'sub_1', actor },
      { action: 'unsubscribe', subscriptionId: 'sub_1', actor },
    ]);
  });

  test('a refused change is explained and the list stays as it was', async () => {
    mockFunctions({
      'program-settings': (p) => (p.action === 'subscriptions' ? ok({ subscriptions: [buildSubscription()] }) : fail('UNREACHABLE', 'The referral service could not be reached.')),
    });
    const r = setup();
    await r.waitFor(() => expect(r.findByTestId(Button, 'remove-sub_1').text).toBe('Remove'));
    r.findByTestId(Button, 'remove-sub_1').trigger('onClick');
    await r.waitFor(() => expect(r.find(Alert).text).toContain('The referral service could not be reached.'));
    expect(r.findAll(StatusTag).map((t) => t.text)).toEqual(['Active']);
  });
});
