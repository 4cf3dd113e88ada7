import { useEffect, useState } from 'react';
import { Alert, Button, Flex, Heading, LoadingSpinner, StatusTag, Text } from '@hubspot/ui-extensions';
import type { ActingUser } from '@referral-ops/contracts/app-functions';
import { callFunction } from '@referral-ops/ui-shared/call-function';

export interface DoctorCheck {
  group: string;
  name: string;
  ok: boolean;
  detail?: string;
  fix?: string;
}

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; ok: boolean; checks: DoctorCheck[] };

/** The same checks as `npm run doctor`, for the program being edited: each failure with its fix. */
export function LaunchChecklist({ programId, actor }: { programId: string; actor: ActingUser }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    void callFunction<{ checklist?: { ok: boolean; checks: DoctorCheck[] } }>('program-settings', { action: 'doctor', programId, actor: { ...actor } }).then((result) => {
      if (!current) return;
      if (!result.ok) setState({ status: 'error', message: result.error.message });
      else if (!result.data.checklist) setState({ status: 'error', message: 'The program-settings function gave no checklist; deploy the latest project build.' });
      else setState({ status: 'ready', ...result.data.checklist });
    });
    return () => {
      current = false;
    };
    // The acting user does not change while the page is open; programId and version re-run the checks.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [programId, version]);

  const rerun = () => {
    setState({ status: 'loading' });
    setVersion((v) => v + 1);
  };

  return (
    <Flex direction="column" gap="sm">
      <Heading>Launch checklist</Heading>
      {state.status === 'loading' && <LoadingSpinner label="Running the launch checks" />}
      {state.status === 'error' && <Alert title="The checks could not run" variant="error">{state.message}</Alert>}
      {state.status === 'ready' && (
        <>
          <Text>{state.ok ? 'Everything needed to go live is in place.' : `${state.checks.filter((c) => !c.ok).length} check(s) need attention before this program goes live.`}</Text>
          {state.checks.map((check) => (
            <Flex key={`${check.group}:${check.name}`} direction="column" gap="flush">
              <Text>
                <StatusTag variant={check.ok ? 'success' : 'danger'}>{check.ok ? 'Pass' : 'Fail'}</StatusTag> {check.group}: {check.name}
              </Text>
              {!check.ok && check.fix && <Text variant="microcopy">Fix: {check.fix}</Text>}
            </Flex>
          ))}
        </>
      )}
      <Button testId="rerun-launch-checks" onClick={rerun} disabled={state.status === 'loading'}>Run the checks again</Button>
    </Flex>
  );
}
