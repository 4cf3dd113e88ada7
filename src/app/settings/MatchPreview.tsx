import { useEffect, useRef, useState } from 'react';
import { Alert, Flex, Heading, Link, LoadingSpinner, Tag, Text } from '@hubspot/ui-extensions';
import type { FieldIssue } from '@referral-ops/contracts/app-functions';
import type { MatchPreview as Preview } from '@referral-ops/contracts/explain';
import { callFunction } from '@referral-ops/ui-shared/call-function';

/** Runs `run` after `ms` unless cancelled; the page's timers, or a test's hand-driven ones. */
export type Schedule = (run: () => void, ms: number) => () => void;

const timers: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/**
 * Edits come in bursts (typing a value); HubSpot allows 5 searches a second per account, shared
 * with bulk enrolment. One preview per pause in editing keeps the page well under that.
 */
export const PREVIEW_DEBOUNCE_MS = 800;

type State = { status: 'idle' | 'loading' } | { status: 'ready'; preview: Preview } | { status: 'error'; message: string };

interface Props {
  /** The criteria as edited, saved or not. */
  criteria: unknown[];
  /** Issues HubSpot's search has with the criteria, by field path (empty once they search fine). */
  onIssues: (issues: FieldIssue[]) => void;
  schedule?: Schedule;
}

/** "About N contacts match now", with a few of them, for the enrolment criteria being edited. */
export function MatchPreview({ criteria, onIssues, schedule = timers }: Props) {
  const [state, setState] = useState<State>({ status: 'idle' });
  const latest = useRef(0);
  const key = JSON.stringify(criteria);

  useEffect(() => {
    const request = ++latest.current;
    setState({ status: 'loading' });
    return schedule(() => {
      void callFunction<Preview>('explain', { action: 'preview', criteria: JSON.parse(key) as never }).then((result) => {
        // An answer to criteria edited since is not the answer any more.
        if (request !== latest.current) return;
        if (result.ok) {
          onIssues([]);
          setState({ status: 'ready', preview: result.data });
          return;
        }
        onIssues(result.error.issues ?? []);
        setState({ status: 'error', message: result.error.message });
      });
    }, PREVIEW_DEBOUNCE_MS);
    // `onIssues` and `schedule` are fixed for the page's lifetime; the criteria decide when to ask again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return (
    <Flex direction="column" gap="xs" testId="match-preview">
      <Heading>Who matches</Heading>
      {state.status === 'loading' && <LoadingSpinner label="Counting the contacts these rules match" />}
      {state.status === 'error' && <Alert title="Cannot count the matching contacts" variant="warning">{state.message}</Alert>}
      {state.status === 'ready' && (
        <>
          <Text>
            {state.preview.total === 0 ? 'No contacts match now.' : `About ${state.preview.total.toLocaleString('en-US')} contact${state.preview.total === 1 ? '' : 's'} match now.`}
          </Text>
          {state.preview.examples.map((c) => (
            <Text key={c.contactId}>
              <Link href={{ url: c.url, external: true }}>{c.name}</Link>
              {c.email ? ` ${c.email}` : ''} {c.enrolled && <Tag variant="success">already a referrer</Tag>}
            </Text>
          ))}
          <Text variant="microcopy">HubSpot&apos;s search sees changes made in the last minute a little late. A bulk run enrols those without a referral code.</Text>
        </>
      )}
    </Flex>
  );
}
