import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { withDefaultPeriod } from '../../../server/cli/report-period';
import { parseFunnelQuery } from '../../../server/reports/funnel-query';

const NOW = Date.parse('2026-11-29T23:30:00Z');

describe('npm run report without dates', () => {
  it('reports the last 30 days up to and including today, in the report’s time zone', () => {
    expect(withDefaultPeriod({}, NOW)).toEqual({ from: '2026-10-31', to: '2026-11-30' });
    // Already the 30th in Berlin.
    expect(withDefaultPeriod({ tz: 'Europe/Berlin' }, NOW)).toEqual({ tz: 'Europe/Berlin', from: '2026-11-01', to: '2026-12-01' });
    expect(parseFunnelQuery(withDefaultPeriod({}, NOW))).toMatchObject({ from: '2026-10-31', to: '2026-11-30', interval: 'day' });
  });

  it('keeps dates that were given, and leaves a half-given period or an unknown zone to the report’s own message', () => {
    expect(withDefaultPeriod({ from: '2026-01-01', to: '2026-02-01' }, NOW)).toEqual({ from: '2026-01-01', to: '2026-02-01' });
    expect(() => parseFunnelQuery(withDefaultPeriod({ from: '2026-01-01' }, NOW))).toThrow(/to: is required/);
    expect(() => parseFunnelQuery(withDefaultPeriod({ tz: 'Mars/Olympus' }, NOW))).toThrow(/tz: must be an IANA time zone/);
  });

  it('says so in its usage', () => {
    const usage = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../../../server/cli/report.ts'), '--help'], { encoding: 'utf8' });
    expect(usage).toMatch(/without --from and --to, the last 30 days up to and including today/);
  });
});
