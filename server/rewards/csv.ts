import { toDecimalString } from '../../src/app/packages/domain/money';
import type { RewardRow } from './repository';

/** Quote every field: names and references may hold commas; a leading = would run as a formula. */
function cell(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function payableCsv(rows: RewardRow[]): string {
  const header = ['reward_id', 'program_id', 'referral_id', 'recipient', 'recipient_contact_id', 'kind', 'amount', 'currency', 'approved_since'];
  const lines = rows.map((r) =>
    [r.id, r.program_id, r.referral_id, r.recipient, r.recipient_contact_id, r.kind, toDecimalString(r.amount, r.currency), r.currency, new Date(r.updated_at).toISOString()]
      .map(cell)
      .join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
