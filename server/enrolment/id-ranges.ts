import { z } from 'zod';

/**
 * The part of the contact id space a bulk run has still to walk, as disjoint ranges. Each range is
 * searched by its own cursor, in parallel, so one search chain stalled by a retry does not leave
 * HubSpot's search allowance unused. A run's resume state is this list (stored as JSON in
 * `bulk_runs.cursor`): every matching contact without a code inside a range is still to do; every
 * contact outside all ranges was handled.
 */
export interface IdRange {
  /** Ids greater than this (null: from the first id). */
  after: string | null;
  /** Ids up to and including this (null: no upper end, so contacts created meanwhile are found too). */
  upTo: string | null;
}

const idText = z.string().regex(/^\d+$/, 'must be a HubSpot record id (digits)');
const cursorSchema = z.object({
  ranges: z.array(z.object({ after: idText.nullable(), upTo: idText.nullable() }).strict()),
}).strict();

/** The ranges a run's stored cursor stands for; a run that never saved progress walks everything. */
export function parseCursor(text: string | null): IdRange[] {
  if (text === null) return [{ after: null, upTo: null }];
  // Runs saved before ranges existed stored the single cursor's last id.
  if (/^\d+$/.test(text)) return [{ after: text, upTo: null }];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`Enrolment run cursor is neither an id nor JSON: ${text.slice(0, 80)}`);
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new Error(`Enrolment run cursor is not a list of id ranges: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data.ranges;
}

export function formatCursor(ranges: readonly IdRange[]): string {
  const sorted = [...ranges].sort((a, b) => compareIds(a.after, b.after));
  return JSON.stringify({ ranges: sorted.map(({ after, upTo }) => ({ after, upTo })) });
}

/** One line for people: "3 ranges left, from after 1200". */
export function describeCursor(text: string | null): string {
  const ranges = parseCursor(text);
  if (ranges.length === 0) return 'nothing left';
  const first = ranges.reduce((low, r) => (compareIds(r.after, low.after) < 0 ? r : low));
  const start = first.after === null ? 'the start' : `contact ${first.after}`;
  return `${ranges.length} id range${ranges.length === 1 ? '' : 's'} left, the first after ${start}`;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** null (no bound) sorts first. */
function compareIds(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function inRange(range: IdRange, id: string): boolean {
  const n = BigInt(id);
  return (range.after === null || n > BigInt(range.after)) && (range.upTo === null || n <= BigInt(range.upTo));
}

/**
 * Splits what is left of `range` above `from` (the last id its walk has searched, or where it
 * starts) into `parts` ranges of equal id width up to `highest` (the highest matching id known).
 * The first part keeps the range's start and is the one its current walk continues with; the last
 * keeps its end. Returns the range unchanged when the ids left are too few to split.
 */
export function splitRange(range: IdRange, from: string | null, highest: string, parts: number): IdRange[] {
  const low = BigInt(from ?? range.after ?? '0');
  const high = range.upTo === null ? BigInt(highest) : min(BigInt(highest), BigInt(range.upTo));
  const width = high - low;
  if (parts < 2 || width < BigInt(parts)) return [range];
  const cuts = Array.from({ length: parts - 1 }, (_, i) => String(low + (width * BigInt(i + 1)) / BigInt(parts)));
  return [
    { after: range.after, upTo: cuts[0]! },
    ...cuts.map((cut, i) => ({ after: cut, upTo: i + 1 < cuts.length ? cuts[i + 1]! : range.upTo })),
  ];
}
