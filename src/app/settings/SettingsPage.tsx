import { useEffect, useState } from 'react';
import { Alert, Button, EmptyState, ErrorState, Flex, LoadingButton, LoadingSpinner, Select, Text, hubspot, useExtensionActions, useExtensionContext } from '@hubspot/ui-extensions';
import { parseProgram } from '@referral-ops/domain/program';
import type { FieldIssue } from '@referral-ops/contracts/app-functions';
import type { InFlight, PortalOptions } from '@referral-ops/contracts/portal-options';
import { actingUser, callFunction } from '@referral-ops/ui-shared/call-function';
import { userLocale } from '@referral-ops/ui-shared/format';
import { getAt, setAt, type Draft, type Issues } from './fields';
import { ProgramForm } from './ProgramForm';
import { LaunchChecklist } from './LaunchChecklist';
import { MatchPreview } from './MatchPreview';
import { WhyPanel } from './WhyPanel';
import { InFlightNotice } from './InFlightNotice';
import { inFlightSentence, unsavedIds } from './unsaved';
import { EventSubscriptions } from './EventSubscriptions';

hubspot.extend<'settings'>(() => <SettingsPage />);

type Programs = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; programs: Draft[]; portal: PortalOptions };

const byPath = (issues: FieldIssue[]): Issues => Object.fromEntries(issues.map((i) => [i.path, i.message]));

/**
 * Program settings, checked with the service's own schema before saving; errors sit beside their
 * fields. Edits are kept per program while the page is open, so choosing another program by mistake
 * loses nothing; HubSpot's settings extensions (ui-extensions 0.17) offer no way to hold the admin
 * on the page when they leave it, so the page says plainly which programs have unsaved changes.
 */
export function SettingsPage() {
  const context = useExtensionContext<'settings'>();
  const actions = useExtensionActions<'settings'>();
  const actor = actingUser(context.user);
  const [programs, setPrograms] = useState<Programs>({ status: 'loading' });
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [discards, setDiscards] = useState(0);
  const [issues, setIssues] = useState<Issues>({});
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [previewIssues, setPreviewIssues] = useState<Issues>({});

  useEffect(() => {
    let current = true;
    setPrograms({ status: 'loading' });
    void Promise.all([
      callFunction<{ programs: Draft[] }>('program-settings', { action: 'list', actor }),
      callFunction<{ options: PortalOptions }>('program-settings', { action: 'options', actor }),
    ]).then(([list, options]) => {
      if (!current) return;
      if (!list.ok) setPrograms({ status: 'error', message: list.error.message });
      else if (!options.ok) setPrograms({ status: 'error', message: `Your portal's owners, stages and properties could not be read: ${options.error.message}` });
      else setPrograms({ status: 'ready', programs: list.data.programs, portal: options.data.options });
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

  const savedOf = (id: string | null) => programs.programs.find((p) => p.id === id);
  const draft = selected ? drafts[selected] ?? savedOf(selected) ?? null : null;
  const unsaved = unsavedIds(drafts, programs.programs);
  const nameOf = (id: string) => String(savedOf(id)?.name ?? id);

  const choose = (id: string) => {
    setSelected(id);
    setIssues({});
    setSaveError(null);
  };

  const change = (path: string, value: unknown) => {
    if (!selected) return;
    setDrafts((all) => ({ ...all, [selected]: setAt(all[selected] ?? savedOf(selected), path, value) }));
    setIssues(({ [path]: _fixed, ...rest }) => rest);
  };

  const discard = () => {
    if (!selected) return;
    setDrafts(({ [selected]: _dropped, ...rest }) => rest);
    setDiscards((n) => n + 1);
    setIssues({});
    setSaveError(null);
  };

  const save = async () => {
    if (!draft || !selected) return;
    setSaveError(null);
    const parsed = parseProgram(draft);
    if (!parsed.ok) {
      setIssues(byPath(parsed.issues));
      setSaveError(`${parsed.issues.length} setting${parsed.issues.length === 1 ? ' needs' : 's need'} fixing; see the marked fields.`);
      return;
    }
    setSaving(true);
    const result = await callFunction<{ program: Draft; inFlight?: InFlight }>('program-settings', { action: 'save', program: draft as never, actor });
    setSaving(false);
    if (result.ok) {
      const saved = result.data.program;
      setIssues({});
      setPrograms((p) => (p.status === 'ready' ? { ...p, programs: p.programs.map((x) => (x.id === saved.id ? saved : x)) } : p));
      setDrafts(({ [selected]: _saved, ...rest }) => rest);
      const reach = result.data.inFlight && inFlightSentence(result.data.inFlight);
      actions.addAlert({ type: 'success', message: `${String(saved.name)} saved${reach ? `. ${reach}` : ''}` });
      return;
    }
    setIssues(byPath(result.error.issues ?? []));
    setSaveError(result.error.message);
  };

  const elsewhere = unsaved.filter((id) => id !== selected);
  const dirty = selected !== null && unsaved.includes(selected);

  return (
    <Flex direction="column" gap="md">
      <Select label="Program" name="program" value={selected ?? undefined} placeholder="Choose a program to edit"
        options={programs.programs.map((p) => ({ label: `${String(p.name)}${unsaved.includes(String(p.id)) ? ' (unsaved changes)' : ''}`, value: String(p.id) }))} onChange={(id) => choose(String(id))} />
      {elsewhere.length > 0 && (
        <Alert title="Unsaved changes kept" variant="warning">
          {`Your changes to ${elsewhere.map(nameOf).join(', ')} are not saved yet. They are kept while this page stays open: choose the program again to save or discard them.`}
        </Alert>
      )}
      {draft && selected && (
        <>
          <ProgramForm key={`${selected}-${discards}`} draft={draft} issues={{ ...previewIssues, ...issues }} onChange={change} portal={programs.portal} actor={actor} />
          <MatchPreview key={`preview-${selected}`} criteria={(getAt(draft, 'enrolment.criteria') as unknown[] | undefined) ?? []} onIssues={(found) => setPreviewIssues(byPath(found))} />
          {dirty && savedOf(selected)?.status === 'active' && <InFlightNotice key={`in-flight-${selected}`} programId={selected} actor={actor} />}
          {saveError && <Alert title="Not saved" variant="error">{saveError}{issues[''] ? ` ${issues['']}` : ''}</Alert>}
          <Flex gap="sm" align="center">
            <LoadingButton loading={saving} variant="primary" onClick={save}>Save program</LoadingButton>
            {dirty && <Button variant="secondary" testId="discard-changes" onClick={discard}>Discard changes</Button>}
            {dirty && <Text variant="microcopy">Unsaved changes</Text>}
          </Flex>
          {selected && <LaunchChecklist key={`checks-${selected}`} programId={selected} actor={actor} />}
          {selected && <WhyPanel key={`why-${selected}`} programId={selected} locale={userLocale(context.user.locale)} />}
          {selected && <EventSubscriptions key={`events-${selected}`} programId={selected} actor={actor} />}
        </>
      )}
    </Flex>
  );
}
