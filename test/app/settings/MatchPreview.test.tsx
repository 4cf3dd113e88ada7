import { useState } from 'react';
import { Alert, Button, Link, Select, Tag, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import type { FieldIssue } from '../../../src/app/packages/contracts/app-functions';
import { MatchPreview, PREVIEW_DEBOUNCE_MS, type Schedule } from '../../../src/app/settings/MatchPreview';
import { SettingsPage } from '../../../src/app/settings/SettingsPage';
import { fail, mockFunctions, ok } from '../factories';
import { buildPortalOptions } from './portal-options-factory';

afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

/** Timers the test runs by hand: what is pending, and running it. */
function handTimers() {
  const pending: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  const schedule: Schedule = (run, ms) => {
    const timer = { run, ms, cancelled: false };
    pending.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  const live = () => pending.filter((t) => !t.cancelled);
  return { schedule, live, fire: () => live().forEach((t) => { t.cancelled = true; t.run(); }) };
}

/** The criteria being edited: each click on "edit" moves to the next version. */
function Editor({ versions, schedule, onIssues = () => undefined }: { versions: unknown[][]; schedule: Schedule; onIssues?: (issues: FieldIssue[]) => void }) {
  const [at, setAt] = useState(0);
  return (
    <>
      <Button testId="edit" onClick={() => setAt((i) => i + 1)}>edit</Button>
      <MatchPreview criteria={versions[at]!} onIssues={onIssues} schedule={schedule} />
    </>
  );
}

const evangelists = [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'evangelist' }] }];
const example = (n: number, enrolled = false) => ({ contactId: String(100 + n), name: `Eva ${n}`, email: `eva${n}@example.org`, url: `https://app.hubspot.com/contacts/555/record/0-1/${100 + n}`, enrolled });

describe('match preview', () => {
  test('asks once per pause in editing, with the draft criteria, and shows the count with examples linked to their records', async () => {
    const fns = mockFunctions({ explain: () => ok({ total: 1234, examples: [example(1), example(2, true)] }) });
    const timers = handTimers();
    const r = createRenderer('settings');
    const issues: FieldIssue[][] = [];
    r.render(<Editor versions={[[], [{ filters: [] }], evangelists]} schedule={timers.schedule} onIssues={(i) => issues.push(i)} />);
    r.findByTestId(Button, 'edit').trigger('onClick');
    r.findByTestId(Button, 'edit').trigger('onClick');

    expect(timers.live()).toEqual([expect.objectContaining({ ms: PREVIEW_DEBOUNCE_MS })]);
    expect(fns.calls).toEqual([]);
    timers.fire();
    await r.waitFor(() => expect(r.findAll(Link)).toHaveLength(2));

    expect(fns.calls.map((c) => c.parameters)).toEqual([{ action: 'preview', criteria: evangelists }]);
    expect(r.findAll(Text).map((t) => t.text)).toContain('About 1,234 contacts match now.');
    expect(r.findAll(Link).map((l) => [l.text, l.props.href])).toEqual([
      ['Eva 1', { url: 'https://app.hubspot.com/contacts/555/record/0-1/101', external: true }],
      ['Eva 2', { url: 'https://app.hubspot.com/contacts/555/record/0-1/102', external: true }],
    ]);
    expect(r.find(Tag).text).toBe('already a referrer');
    expect(issues).toEqual([[]]);
  });

  test('an answer to criteria edited since is dropped', async () => {
    let answer!: (value: unknown) => void;
    let calls = 0;
    mockFunctions({ explain: () => (++calls === 1 ? new Promise((resolve) => { answer = resolve; }) as never : ok({ total: 2, examples: [] })) });
    const timers = handTimers();
    const r = createRenderer('settings');
    r.render(<Editor versions={[evangelists, []]} schedule={timers.schedule} />);
    await r.waitFor(() => expect(timers.live()).toHaveLength(1));
    timers.fire();
    r.findByTestId(Button, 'edit').trigger('onClick');
    timers.fire();
    await r.waitFor(() => expect(r.findAll(Text).map((t) => t.text)).toContain('About 2 contacts match now.'));
    expect(calls).toBe(2);
    answer(ok({ total: 999, examples: [] }));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(r.findAll(Text).map((t) => t.text)).toContain('About 2 contacts match now.');
  });

  test('on the settings page, a condition HubSpot cannot search is marked at its field', async () => {
    jest.useFakeTimers();
    const program = { id: 'spring-2026', name: 'Spring', status: 'draft', enrolment: { criteria: [{ filters: [{ propertyName: 'company', operator: 'EQ', value: 'Acme' }] }] }, rewards: { referrer: { kind: 'cash', amount: 100, currency: 'USD' } } };
    const fns = mockFunctions({
      'program-settings': (p) => (p.action === 'options' ? ok({ options: buildPortalOptions() })
        : p.action === 'list' ? ok({ programs: [program] }) : ok({ checklist: { ok: true, checks: [] } })),
      explain: (p) => (p.action === 'preview'
        ? fail('VALIDATION_FAILED', 'HubSpot refused the enrolment criteria', [{ path: 'enrolment.criteria.0.filters.0.propertyName', message: 'HubSpot cannot search this: property company does not exist' }])
        : ok({ contacts: [] })),
    });
    const r = createRenderer('settings');
    r.render(<SettingsPage />);
    await jest.advanceTimersByTimeAsync(0);
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring-2026' as never);
    await jest.advanceTimersByTimeAsync(PREVIEW_DEBOUNCE_MS);

    expect(fns.calls.filter((c) => c.name === 'explain').map((c) => c.parameters)).toEqual([{ action: 'preview', criteria: program.enrolment.criteria }]);
    expect(r.find(Select, { name: 'enrolment.criteria.0.filters.0.propertyName' }).props.validationMessage).toBe('HubSpot cannot search this: property company does not exist');
    expect(r.find(Alert, { title: 'Cannot count the matching contacts' }).text).toBe('HubSpot refused the enrolment criteria');
  });
});
