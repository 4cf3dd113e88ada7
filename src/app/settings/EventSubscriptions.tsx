import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Divider, Flex, Heading, Input, LoadingButton, LoadingSpinner, StatusTag, Text } from '@hubspot/ui-extensions';
import type { ActingUser, FieldIssue } from '@referral-ops/contracts/app-functions';
import { EVENT_TYPES, type EventSubscriptionView, type EventType } from '@referral-ops/contracts/events';
import { callFunction } from '@referral-ops/ui-shared/call-function';

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; subscriptions: EventSubscriptionView[] };

interface NewSubscription {
  url: string;
  secretRef: string;
  eventTypes: EventType[];
}

const EMPTY: NewSubscription = { url: '', secretRef: '', eventTypes: [] };

/** The service names `eventTypes.0` for the first type; the checkboxes answer for all of them. */
const fieldOf = (path: string) => (path.startsWith('eventTypes') ? 'eventTypes' : path === 'secret' ? 'secretRef' : path);

/**
 * A program's event webhooks: list, add, pause or resume, remove. The signing secret is named, never
 * typed here: it lives in a setting of the reward service (docs/service-api.md, "Events"), so it never
 * passes through HubSpot. The program's fulfilment webhook is listed too, but changes with the
 * program's fulfilment setting only.
 */
export function EventSubscriptions({ programId, actor }: { programId: string; actor: ActingUser }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [version, setVersion] = useState(0);
  const [draft, setDraft] = useState<NewSubscription>(EMPTY);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [addError, setAddError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    void callFunction<{ subscriptions?: EventSubscriptionView[] }>('program-settings', { action: 'subscriptions', programId, actor: { ...actor } }).then((result) => {
      if (!current) return;
      if (!result.ok) setState({ status: 'error', message: result.error.message });
      // A function deployed before this panel answers an unknown action with something else.
      else if (!Array.isArray(result.data.subscriptions)) setState({ status: 'error', message: 'The program-settings function gave no subscriptions; deploy the latest project build.' });
      else setState({ status: 'ready', subscriptions: result.data.subscriptions });
    });
    return () => {
      current = false;
    };
    // The acting user does not change while the page is open; programId and version reload the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [programId, version]);

  const edit = (field: keyof NewSubscription, value: NewSubscription[keyof NewSubscription]) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setIssues(({ [field]: _fixed, ...rest }) => rest);
  };

  const toggleType = (type: EventType, checked: boolean) =>
    edit('eventTypes', checked ? EVENT_TYPES.filter((t) => t === type || draft.eventTypes.includes(t)) : draft.eventTypes.filter((t) => t !== type));

  const add = async () => {
    setAddError(null);
    setAdding(true);
    const result = await callFunction<{ subscription: EventSubscriptionView }>('program-settings', {
      action: 'subscribe', programId, actor: { ...actor },
      subscription: { url: draft.url.trim(), secretRef: draft.secretRef.trim(), eventTypes: [...draft.eventTypes] },
    });
    setAdding(false);
    if (result.ok) {
      setDraft(EMPTY);
      setIssues({});
      setVersion((v) => v + 1);
      return;
    }
    setIssues(Object.fromEntries((result.error.issues ?? []).map((i: FieldIssue) => [fieldOf(i.path), i.message])));
    setAddError(result.error.message);
  };

  const act = async (subscription: EventSubscriptionView, parameters: { action: 'setSubscriptionStatus'; status: 'active' | 'paused' } | { action: 'unsubscribe' }) => {
    setActionError(null);
    setBusy(subscription.id);
    const result = await callFunction<unknown>('program-settings', { ...parameters, subscriptionId: subscription.id, actor: { ...actor } });
    setBusy(null);
    if (result.ok) setVersion((v) => v + 1);
    else setActionError(result.error.message);
  };

  return (
    <Flex direction="column" gap="sm">
      <Heading>Event subscriptions</Heading>
      <Text>Endpoints of your own systems that get this program&apos;s events, each a signed POST (see the service API documentation, &quot;Events&quot;).</Text>
      {state.status === 'loading' && <LoadingSpinner label="Loading event subscriptions" />}
      {state.status === 'error' && (
        <Alert title="Event subscriptions could not be loaded" variant="error">
          {state.message} <Button onClick={() => setVersion((v) => v + 1)}>Try again</Button>
        </Alert>
      )}
      {state.status === 'ready' && state.subscriptions.length === 0 && <Text>No subscriptions yet.</Text>}
      {state.status === 'ready' && state.subscriptions.map((s) => (
        <Flex key={s.id} testId={`subscription-${s.id}`} direction="column" gap="flush">
          <Text>
            <StatusTag variant={s.failingSince ? 'danger' : s.status === 'paused' ? 'warning' : 'success'}>
              {s.failingSince ? 'Failing' : s.status === 'paused' ? 'Paused' : 'Active'}
            </StatusTag>{' '}
            {s.kind === 'fulfilment' ? `Fulfilment webhook: ${s.url}` : s.url}
          </Text>
          <Text variant="microcopy">
            {s.eventTypes.join(', ')}
            {s.secretRef ? ` · signed with the service setting ${s.secretRef}` : ''}
            {s.failingSince ? ` · failing since ${s.failingSince}` : ''}
          </Text>
          {s.kind === 'fulfilment' ? (
            <Text variant="microcopy">Set by the program&apos;s fulfilment setting; change it there.</Text>
          ) : (
            <Flex direction="row" gap="xs">
              <Button testId={`toggle-${s.id}`} size="xs" disabled={busy === s.id}
                onClick={() => act(s, { action: 'setSubscriptionStatus', status: s.status === 'paused' ? 'active' : 'paused' })}>
                {s.status === 'paused' ? 'Resume' : 'Pause'}
              </Button>
              <Button testId={`remove-${s.id}`} size="xs" variant="destructive" disabled={busy === s.id} onClick={() => act(s, { action: 'unsubscribe' })}>
                Remove
              </Button>
            </Flex>
          )}
        </Flex>
      ))}
      {actionError && <Alert title="Not changed" variant="error">{actionError}</Alert>}
      <Divider />
      <Heading>Add a subscription</Heading>
      <Input name="subscription.url" label="Endpoint URL" placeholder="https://example.com/referral-events" required
        value={draft.url} error={Boolean(issues.url)} validationMessage={issues.url} onChange={(v) => edit('url', v)} />
      <Input name="subscription.secretRef" label="Secret setting" required
        description="The name of the reward service's setting that holds the signing secret, e.g. REFERRAL_EVENTS_SECRET"
        value={draft.secretRef} error={Boolean(issues.secretRef)} validationMessage={issues.secretRef} onChange={(v) => edit('secretRef', v)} />
      <Text format={{ fontWeight: 'demibold' }}>Events</Text>
      {EVENT_TYPES.map((type) => (
        <Checkbox key={type} name={`subscription.eventTypes.${type}`} checked={draft.eventTypes.includes(type)} onChange={(checked) => toggleType(type, checked)}>
          {type}
        </Checkbox>
      ))}
      {issues.eventTypes && <Text variant="microcopy">{issues.eventTypes}</Text>}
      {addError && <Alert title="Not added" variant="error">{addError}</Alert>}
      <LoadingButton testId="add-subscription" loading={adding} onClick={add}>Add subscription</LoadingButton>
    </Flex>
  );
}
