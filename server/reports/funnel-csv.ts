import type { FunnelReport } from './funnel-report';

/** The series as CSV, one row per bucket; what a spreadsheet needs to chart the trend. */
const COLUMNS = [
  'date', 'start', 'end', 'enrolments', 'clicks', 'referred_leads', 'referred_leads_qualified',
  'qualification_rate', 'qualified_referrals', 'rewards_issued',
] as const;

export function funnelCsv(report: FunnelReport): string {
  const rows = report.series.map((b) => [
    b.date, b.start, b.end, b.enrolments, b.clicks, b.referredLeads, b.referredLeadsQualified,
    b.referredLeads ? (b.referredLeadsQualified / b.referredLeads).toFixed(4) : '',
    b.qualifiedReferrals, b.rewardsIssued,
  ]);
  return [COLUMNS, ...rows].map((row) => row.map((v) => csvField(String(v))).join(',')).join('\r\n') + '\r\n';
}

/** RFC 4180 quoting; a leading formula character is defused so a spreadsheet shows it as text. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function funnelCsvFilename(report: FunnelReport): string {
  const program = (report.program?.id ?? 'all-programs').replace(/[^A-Za-z0-9_-]/g, '_');
  return `funnel-${program}-${report.period.from}-${report.period.to}-${report.period.interval}.csv`;
}
