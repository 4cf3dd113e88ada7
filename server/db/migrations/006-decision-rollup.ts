import { sql, type Kysely, type Migration } from 'kysely';
import { DAY_MS, HOUR_MS, QUALIFY_TIME_EDGES } from '../decision-rollup-grain';
import type { Dialect } from '../dialect';

/**
 * The report's decision rollup (server/reports/decision-rollup.ts): tallies of referrals by their
 * current status, kept exact by triggers on `referrals`, so every write path (and a repair by hand)
 * keeps them current without knowing about them. Also moves the settled rollup of migration 005 to
 * hour slots, one slot size for both, and empties it so the next report rebuilds it.
 *
 * Never edit once shipped: the triggers compute slots and time-to-qualify classes with the
 * constants of decision-rollup-grain.ts, and the report reads the tables with the same ones.
 */

/** `$` stands for the row (`old`, `new`, or the backfill's `r`); the tally adds to `column` (default `n`). */
interface Tally {
  table: string;
  key: Array<[column: string, expression: string]>;
  column?: string;
  /** Columns of the table's row besides the key and `column`, zero when the row is created. */
  others?: string[];
  when: string;
}

const durationClass = `case ${QUALIFY_TIME_EDGES.slice(1)
  .map((edge, i) => `when $.qualified_at - $.captured_at < ${edge} then ${i}`)
  .join(' ')} else ${QUALIFY_TIME_EDGES.length - 1} end`;

const QUALIFIED = `$.status = 'qualified' and $.qualified_at is not null`;

const TALLIES: Tally[] = [
  // Per hour slot, for the series: qualified referrals by when they qualified, and by when they
  // were captured (the qualification rate's numerator).
  {
    table: 'report_decision_slots', key: [['program_id', '$.program_id'], ['slot', `$.qualified_at - $.qualified_at % ${HOUR_MS}`]],
    column: 'qualified', others: ['cohort_qualified'], when: QUALIFIED,
  },
  {
    table: 'report_decision_slots', key: [['program_id', '$.program_id'], ['slot', `$.captured_at - $.captured_at % ${HOUR_MS}`]],
    column: 'cohort_qualified', others: ['qualified'], when: QUALIFIED,
  },
  // Per UTC day, for figures over the whole period.
  {
    table: 'report_qualify_times',
    key: [['program_id', '$.program_id'], ['day', `$.qualified_at - $.qualified_at % ${DAY_MS}`], ['class', durationClass]],
    when: QUALIFIED,
  },
  {
    table: 'report_rejections',
    key: [['program_id', '$.program_id'], ['day', `$.decided_at - $.decided_at % ${DAY_MS}`], ['reason', `coalesce($.reason, '')`]],
    when: `$.status = 'rejected' and $.decided_at is not null`,
  },
  // All-time qualified referrals per referrer, per program and ('' scope) over all programs: an
  // upper bound of any period's count, which lets the report find the top referrers without
  // grouping every qualified referral of a long period.
  { table: 'report_referrers', key: [['scope', '$.program_id'], ['referrer_contact_id', '$.referrer_contact_id']], when: QUALIFIED },
  { table: 'report_referrers', key: [['scope', `''`], ['referrer_contact_id', '$.referrer_contact_id']], when: QUALIFIED },
];

/** The columns whose change can move a referral between tallies. */
const TALLIED_COLUMNS = 'status, qualified_at, captured_at, decided_at, reason, program_id, referrer_contact_id';

const at = (expression: string, row: string) => expression.replaceAll('$.', `${row}.`);

function upsert(tally: Tally, row: 'old' | 'new', delta: 1 | -1): string {
  const keys = tally.key.map(([c]) => c);
  const column = tally.column ?? 'n';
  const others = tally.others ?? [];
  return `insert into ${tally.table} (${[...keys, column, ...others].join(', ')})
    select ${[...tally.key.map(([, e]) => at(e, row)), delta, ...others.map(() => 0)].join(', ')} where ${at(tally.when, row)}
    on conflict (${keys.join(', ')}) do update set ${column} = ${tally.table}.${column} + excluded.${column};`;
}

/** In key order, so PostgreSQL's heap keeps a program's days together for range reads. */
function backfill(tally: Tally): string {
  const positions = tally.key.map((_, i) => i + 1).join(', ');
  const column = tally.column ?? 'n';
  const others = tally.others ?? [];
  return `insert into ${tally.table} (${[...tally.key.map(([c]) => c), column, ...others].join(', ')})
    select ${[...tally.key.map(([, e]) => at(e, 'r')), 'count(*)', ...others.map(() => 0)].join(', ')} from referrals r where ${at(tally.when, 'r')}
    group by ${positions} order by ${positions}
    on conflict (${tally.key.map(([c]) => c).join(', ')}) do update set ${column} = excluded.${column}`;
}

const remove = TALLIES.map((t) => upsert(t, 'old', -1)).join('\n');
const add = TALLIES.map((t) => upsert(t, 'new', 1)).join('\n');

const SQLITE_TRIGGERS = [
  `create trigger referrals_report_insert after insert on referrals begin ${add} end`,
  `create trigger referrals_report_update after update of ${TALLIED_COLUMNS} on referrals begin ${remove} ${add} end`,
  `create trigger referrals_report_delete after delete on referrals begin ${remove} end`,
];

const POSTGRES_TRIGGERS = [
  `create function referrals_report_tally() returns trigger language plpgsql as $fn$
  begin
    if tg_op in ('UPDATE', 'DELETE') then ${remove} end if;
    if tg_op in ('INSERT', 'UPDATE') then ${add} end if;
    return null;
  end $fn$`,
  `create trigger referrals_report_tally after insert or delete or update of ${TALLIED_COLUMNS} on referrals
    for each row execute function referrals_report_tally()`,
];

export function decisionRollup(dialect: Dialect): Migration {
  const clustered = dialect === 'sqlite' ? sql`without rowid` : sql``;
  const table = async (db: Kysely<unknown>, name: string, key: Array<[string, 'text' | 'bigint' | 'integer']>, counts = ['n']) => {
    let builder = db.schema.createTable(name);
    for (const [column, type] of key) builder = builder.addColumn(column, type, (c) => c.notNull());
    for (const column of counts) builder = builder.addColumn(column, 'integer', (c) => c.notNull());
    await builder
      .addPrimaryKeyConstraint(`${name}_pk`, key.map(([c]) => c) as never)
      .modifyEnd(clustered)
      .execute();
  };
  return {
    async up(db: Kysely<unknown>) {
      await table(db, 'report_decision_slots', [['program_id', 'text'], ['slot', 'bigint']], ['qualified', 'cohort_qualified']);
      await table(db, 'report_qualify_times', [['program_id', 'text'], ['day', 'bigint'], ['class', 'integer']]);
      await table(db, 'report_rejections', [['program_id', 'text'], ['day', 'bigint'], ['reason', 'text']]);
      await table(db, 'report_referrers', [['scope', 'text'], ['referrer_contact_id', 'text']]);
      await db.schema.createIndex('report_referrers_by_count').on('report_referrers').columns(['scope', 'n']).execute();
      // A referrer's qualified referrals in a period, for the candidates of the top-referrer search.
      await db.schema
        .createIndex('referrals_report_referrer')
        .on('referrals')
        .columns(['referrer_contact_id', 'program_id', 'qualified_at'])
        .where(sql.ref('status'), '=', sql.lit('qualified'))
        .execute();
      // The median's class: the qualified referrals of one time-to-qualify range, in duration order.
      // With both times in it, PostgreSQL can answer from the index alone.
      await sql`create index referrals_report_time_to_qualify on referrals
        (program_id, (qualified_at - captured_at), qualified_at, captured_at) where status = 'qualified'`.execute(db);

      for (const tally of TALLIES) await sql.raw(backfill(tally)).execute(db);
      for (const statement of dialect === 'sqlite' ? SQLITE_TRIGGERS : POSTGRES_TRIGGERS) await sql.raw(statement).execute(db);

      // Slots of the settled rollup are now hours: rebuild it from the ledger at the next report.
      await sql`delete from report_rollup`.execute(db);
      await sql`delete from report_rollup_rewards`.execute(db);
      await sql`update report_rollup_state set closed_until = 0 where id = 1`.execute(db);
      if (dialect === 'sqlite') await sql`analyze`.execute(db);
    },
  };
}
