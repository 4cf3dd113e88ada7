/**
 * The settings a save changed, as dotted paths ("rewards.referrer.amount"), for the audit trail: a
 * reader of the trail sees what moved without diffing two configurations by hand. Lists compare
 * as a whole (a reordered list of conditions is one change).
 */
export function changedSettings(before: unknown, after: unknown, prefix = ''): string[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedSettings(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
