import type { InFlight } from '@referral-ops/contracts/portal-options';
import type { Draft } from './fields';

/** Same settings whatever order the keys were set in; an emptied optional field counts as unset. */
export function sameSettings(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([x], [y]) => x.localeCompare(y)))
    : v));
}

/** Programs with edits not saved yet, by id, from the drafts kept and the programs as saved. */
export function unsavedIds(drafts: Record<string, Draft>, saved: Draft[]): string[] {
  return Object.keys(drafts).filter((id) => !sameSettings(drafts[id], saved.find((p) => p.id === id)));
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What saving an active program reaches, in the admin's words; undefined when nothing is in flight. */
export function inFlightSentence(f: InFlight): string | undefined {
  const parts: string[] = [];
  if (f.referralsAwaitingDecision > 0) {
    parts.push(`${count(f.referralsAwaitingDecision, 'referral awaiting a decision', 'referrals awaiting a decision')} will use the new rules.`);
  }
  const recorded = f.rewardsAwaitingReview + f.rewardsHeld;
  if (recorded > 0) {
    const what = [
      f.rewardsAwaitingReview > 0 ? `${f.rewardsAwaitingReview} awaiting review` : '',
      f.rewardsHeld > 0 ? `${f.rewardsHeld} in their hold period` : '',
    ].filter(Boolean).join(', ');
    parts.push(`${count(recorded, 'reward already recorded', 'rewards already recorded')} (${what}) keep${recorded === 1 ? 's' : ''} ${recorded === 1 ? 'its' : 'their'} amount.`);
  }
  return parts.length ? parts.join(' ') : undefined;
}
