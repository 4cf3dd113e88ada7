import { AppError } from '../../../server/errors';
import { parseFunnelQuery } from '../../../server/reports/funnel-query';

function rejection(input: Record<string, string>): string {
  try {
    parseFunnelQuery(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    return (err as AppError).message;
  }
  throw new Error('expected the parameters to be rejected');
}

describe('funnel report parameters', () => {
  it('defaults to daily buckets in UTC for all programs', () => {
    expect(parseFunnelQuery({ from: '2026-01-01', to: '2026-02-01', program: '' })).toEqual({
      program: undefined, from: '2026-01-01', to: '2026-02-01', interval: 'day', tz: 'UTC',
    });
  });

  it.each([
    [{ to: '2026-02-01' }, /from: .*YYYY-MM-DD/],
    [{ from: '2026-02-30', to: '2026-03-01' }, /from: must be a real date/],
    [{ from: '2026-02-01', to: '2026-01-01' }, /from: must be before to/],
    [{ from: '2026-01-01', to: '2026-01-01' }, /from: must be before to/],
    [{ from: '2026-01-01', to: '2026-02-01', tz: 'Mars/Olympus' }, /tz: must be an IANA time zone/],
    [{ from: '2026-01-01', to: '2026-02-01', interval: 'month' }, /interval: must be day or week/],
    [{ from: '2025-01-01', to: '2026-01-03', interval: 'day' }, /to: the period is 367 days; interval=day covers at most 366/],
    [{ from: '2020-01-01', to: '2026-01-01', interval: 'week' }, /to: .*interval=week covers at most 1098/],
  ])('rejects %j naming the parameter', (input, message) => {
    expect(rejection(input as Record<string, string>)).toMatch(message);
  });

  it('accepts a whole leap year of days and several years of weeks', () => {
    expect(parseFunnelQuery({ from: '2028-01-01', to: '2029-01-01' }).to).toBe('2029-01-01');
    expect(parseFunnelQuery({ from: '2024-01-01', to: '2027-01-01', interval: 'week', tz: 'Europe/Berlin' }).interval).toBe('week');
  });
});
