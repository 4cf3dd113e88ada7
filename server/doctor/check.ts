/** One line of the launch checklist: what was checked, whether it holds, and how to fix it if not. */
export interface CheckResult {
  /** The checklist section, e.g. "Service", "HubSpot", "Program". */
  group: string;
  name: string;
  ok: boolean;
  /** What was found (on failure: what is wrong). */
  detail?: string;
  /** What to do about a failure. */
  fix?: string;
}

export const pass = (group: string, name: string, detail?: string): CheckResult => ({ group, name, ok: true, ...(detail && { detail }) });
export const fail = (group: string, name: string, detail: string, fix: string): CheckResult => ({ group, name, ok: false, detail, fix });

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One line per check, then a summary; failures carry their fix on the next line. */
export function formatDoctorReport(results: CheckResult[], ready = 'the program is ready to go live.'): string {
  const lines = results.flatMap((r) => {
    const head = `  ${r.ok ? 'pass' : 'FAIL'}  ${r.group}: ${r.name}${r.detail ? ` — ${r.detail}` : ''}`;
    return r.ok || !r.fix ? [head] : [head, `        fix: ${r.fix}`];
  });
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed === 0 ? `All ${results.length} checks pass: ${ready}` : `${failed} of ${results.length} checks fail.`);
  return lines.join('\n');
}
