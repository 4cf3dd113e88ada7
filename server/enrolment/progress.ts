import type { RunView } from './runs';

const number = new Intl.NumberFormat('en-US');

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One line of progress: what happened, how fast, how long until done. */
export function formatProgress(run: RunView): string {
  const c = run.counts;
  const verb = run.dryRun ? 'would enrol' : 'enrolled';
  const parts = [
    `${verb} ${number.format(c.enrolled)}`,
    `already enrolled ${number.format(c.alreadyEnrolled)}`,
    `failed ${number.format(c.failed)}`,
    run.ratePerSecond === null ? 'rate —' : `${number.format(run.ratePerSecond)}/s`,
    run.status === 'done' ? 'done' : run.etaSeconds === null ? 'ETA —' : `~${formatDuration(run.etaSeconds)} left`,
    `${number.format(c.apiCalls)} API calls (${number.format(c.searches)} searches, ${number.format(c.batchUpdates)} batch updates, ${number.format(c.retries)} retries)`,
  ];
  return parts.join(' · ');
}
