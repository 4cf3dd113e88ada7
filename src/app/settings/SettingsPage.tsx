import { useEffect, useState } from 'react';
import { Alert, Button, EmptyState, ErrorState, Flex, LoadingButton, LoadingSpinner, Select, Text, hubspot, useExtensionActions, useExtensionContext } from '@hubspot/ui-extensions';
import { parseProgram } from '@referral-ops/domain/program';
import type { FieldIssue } from '@referral-ops/contracts/app-functions';
import { actingUser, callFunction } from '@referral-ops/ui-shared/call-function';
import { setAt, type Draft, type Issues } from './fields';
import { ProgramForm } from './ProgramForm';
import { LaunchChecklist } from './LaunchChecklist';
import { EventSubscriptions } from './EventSubscriptions';

hubspot.extend<'settings'>(() => <SettingsPage />);

type Programs = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; programs: Draft[] };

const byPath = (issues: FieldIssue[]): Issues => Object.fromEntries(issues.map((i) => [i.path, i.message]));

/** Program settings, checked with the service's own schema before saving; errors sit beside their fields. */
export function SettingsPage() {
  const context = useExtensionContext<'settings'>();
  const actions = useExtensionActions<'settings'>();
  const actor = actingUser(context.user);
  const [programs, setPrograms] = useState<Programs>({ status: 'loading' });
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [issues, setIssues] = useState<Issues>({});
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let current = true;
    setPrograms({ status: 'loading' });
    void callFunction<{ programs: Draft[] }>('program-settings', { action: 'list', actor }).then((result) => {
      if (current) setPrograms(result.ok ? { status: 'ready', programs: result.data.programs } : { status: 'error', message: result.error.message });
    });
    return () => {
      current = false;
    };
    // `actor` is rebuilt every render but is the same user for the page's lifetime; only `version` reloads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version]);

  if (programs.status === 'loading') return <LoadingSpinner label="Loading referral programs" layout="centered" />;
  if (programs.status === 'error') {
    return (
      <ErrorState title="Referral programs could not be loaded">
        <Text>{programs.message}</Text>
        <Button onClick={() => setVersion((v) => v + 1)}>Try again</Button>
      </ErrorState>
    );
  }
  if (programs.programs.length === 0) {
    return (
      <EmptyState title="No referral programs yet" layout="vertical">
        <Text>Programs are created with the reward service&apos;s admin API (PUT /api/programs/:id); once one exists, its settings appear here.</Text>
      </EmptyState>
    );
  }

  const choose = (id: string) => {
    setSelected(id);
    setDraft(programs.programs.find((p) => p.id === id) ?? null);
    setIssues({});
    setSaveError(null);
  };

  const change = (path: string, value: unknown) => {
    setDraft((d) => (d ? setAt(d, path, value) : d));
    setIssues(({ [path]: _fixed, ...rest }) => rest);
  };

  const save = async () => {
    if (!draft) return;
    setSaveError(null);
    const parsed = parseProgram(draft);
    if (!parsed.ok) {
      setIssues(byPath(parsed.issues));
      setSaveError(`${parsed.issues.length} setting${parsed.issues.length === 1 ? ' needs' : 's need'} fixing; see the marked fields.`);
      return;
    }
    setSaving(true);
    const result = await callFunction<{ program: Draft }>('program-settings', { action: 'save', program: draft as never, actor });
    setSaving(false);
    if (result.ok) {
      setIssues({});
      setDraft(result.data.program);
      actions.addAlert({ type: 'success', message: `${String(result.data.program.name)} saved` });
      return;
    }
    setIssues(byPath(result.error.issues ?? []));
    setSaveError(result.error.message);
  };

  return (
    <Flex direction="column" gap="md">
      <Select label="Program" name="program" value={selected ?? undefined} placeholder="Choose a program to edit"
        options={programs.programs.map((p) => ({ label: String(p.name), value: String(p.id) }))} onChange={(id) => choose(String(id))} />
      {draft && (
        <>
          <ProgramForm key={selected} draft={draft} issues={issues} onChange={change} />
          {saveError && <Alert title="Not saved" variant="error">{saveError}{issues[''] ? ` ${issues['']}` : ''}</Alert>}
          <LoadingButton loading={saving} variant="primary" onClick={save}>Save program</LoadingButton>
          {selected && <LaunchChecklist key={`checks-${selected}`} programId={selected} actor={actor} />}
          {selected && <EventSubscriptions key={`events-${selected}`} programId={selected} actor={actor} />}
        </>
      )}
    </Flex>
  );
}
