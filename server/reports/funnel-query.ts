import { z } from 'zod';
import { AppError, validationError } from '../errors';
import { isKnownCurrency } from '../../src/app/packages/domain/money';
import { daysBetween, isKnownTimeZone, isLocalDate, type Interval, type LocalDate } from './time-buckets';

/** Longest period per interval: keeps a series readable and the bucket list small. */
export const MAX_DAYS: Record<Interval, number> = { day: 366, week: 3 * 366 };

/** Query strings and shells say "not given" with an empty value. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const localDate = z
  .string({ message: 'is required, as a date YYYY-MM-DD' })
  .refine(isLocalDate, { message: 'must be a real date written YYYY-MM-DD' });

export const funnelQuerySchema = z
  .object({
    program: optional(z.string().trim().min(1).max(100)),
    from: localDate,
    to: localDate,
    interval: optional(z.enum(['day', 'week'], { message: 'must be day or week' })).transform((v) => v ?? 'day'),
    tz: optional(
      z.string().refine(isKnownTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin or UTC' }),
    ).transform((v) => v ?? 'UTC'),
    currency: optional(
      z.string().trim().toUpperCase().refine(isKnownCurrency, { message: 'must be an ISO 4217 currency code such as EUR or USD' }),
    ),
  })
  .superRefine((q, ctx) => {
    // Zod still runs this when a date failed its own check; that issue is already reported.
    if (!isLocalDate(q.from) || !isLocalDate(q.to)) return;
    if (q.from >= q.to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `must be before to (${q.from} is not before ${q.to})` });
      return;
    }
    const days = daysBetween(q.from, q.to);
    if (days > MAX_DAYS[q.interval]) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message:
          `the period is ${days} days; interval=${q.interval} covers at most ${MAX_DAYS[q.interval]} days` +
          (q.interval === 'day' ? ' (use interval=week or a shorter period)' : ''),
      });
    }
  });

/** A funnel report request: program id (absent: all programs), local dates `[from, to)` in `tz`, optionally one currency. */
export interface FunnelQuery {
  program?: string | undefined;
  from: LocalDate;
  to: LocalDate;
  interval: Interval;
  tz: string;
  /** Report the return figures in this currency only; absent: every currency seen. */
  currency?: string | undefined;
}

/** Parses the API's query string or the CLI's options; a 400 names the first bad parameter. */
export function parseFunnelQuery(input: unknown): FunnelQuery {
  const parsed = funnelQuerySchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, 'report parameters');
  return parsed.data;
}

export function unknownProgram(id: string): AppError {
  return new AppError('NOT_FOUND', `No program with id "${id}"`, { program: id });
}
