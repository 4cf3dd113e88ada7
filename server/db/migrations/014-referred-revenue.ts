import { sql, type Kysely, type Migration } from 'kysely';
import { DAY_MS } from '../decision-rollup-grain';
import type { Dialect } from '../dialect';

/**
 * What the program earns (docs/reports.md): the deals of referred contacts with the amount
 * the service last read, and a tally of their closed-won amounts per program, UTC day and currency
 * that triggers keep exact, so the report sums days instead of deals and never calls HubSpot. Also
 * an index for the reward cost's approved part, which the report reads from the ledger.
 *
 * Never edit once shipped: the triggers compute days with DAY_MS, and the report reads with it.
 */

/** `$` stands for the row (`old` or `new`); a deal counts once it is won with a known amount. */
const COUNTED = `$.won_at is not null and $.amount is not null and $.currency is not null`;
const at = (expression: string, row: string) => expression.replaceAll('$.', `${row}.`);

function upsert(row: 'old' | 'new', delta: 1 | -1): string {
  return `insert into report_revenue_days (program_id, day, currency, amount, deals)
    select ${at(`$.program_id, $.won_at - $.won_at % ${DAY_MS}, $.currency, ${delta} * $.amount, ${delta}`, row)} where ${at(COUNTED, row)}
    on conflict (program_id, day, currency) do update
      set amount = report_revenue_days.amount + excluded.amount, deals = report_revenue_days.deals + excluded.deals;`;
}

const remove = upsert('old', -1);
const add = upsert('new', 1);
const TALLIED_COLUMNS = 'program_id, amount, currency, won_at';

const SQLITE_TRIGGERS = [
  `create trigger referred_deals_revenue_insert after insert on referred_deals begin ${add} end`,
  `create trigger referred_deals_revenue_update after update of ${TALLIED_COLUMNS} on referred_deals begin ${remove} ${add} end`,
  `create trigger referred_deals_revenue_delete after delete on referred_deals begin ${remove} end`,
];

const POSTGRES_TRIGGERS = [
  `create function referred_deals_revenue_tally() returns trigger language plpgsql as $fn$
  begin
    if tg_op in ('UPDATE', 'DELETE') then ${remove} end if;
    if tg_op in ('INSERT', 'UPDATE') then ${add} end if;
    return null;
  end $fn$`,
  `create trigger referred_deals_revenue_tally after insert or delete or update of ${TALLIED_COLUMNS} on referred_deals
    for each row execute function referred_deals_revenue_tally()`,
];

export function referredRevenue(dialect: Dialect): Migration {
  const clustered = dialect === 'sqlite' ? sql`without rowid` : sql``;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('referred_deals')
        .addColumn('referral_id', 'text', (c) => c.notNull().references('referrals.id'))
        .addColumn('deal_id', 'text', (c) => c.notNull())
        .addColumn('program_id', 'text', (c) => c.notNull())
        // Integer minor units of `currency`; null while HubSpot has no amount for the deal.
        .addColumn('amount', 'bigint')
        .addColumn('currency', 'text')
        // When the deal closed won; null while it is not (or no longer) in a closed-won stage.
        .addColumn('won_at', 'bigint')
        .addColumn('read_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('referred_deals_pk', ['referral_id', 'deal_id'])
        .execute();
      // A deal-stage webhook names the deal only.
      await db.schema.createIndex('referred_deals_by_deal').on('referred_deals').column('deal_id').execute();
      // The period's partial days at its edges.
      await db.schema
        .createIndex('referred_deals_report_won')
        .on('referred_deals')
        .columns(['program_id', 'won_at', 'currency', 'amount'])
        .where(sql.ref('won_at'), 'is not', null)
        .execute();
      await db.schema
        .createTable('report_revenue_days')
        .addColumn('program_id', 'text', (c) => c.notNull())
        .addColumn('day', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('deals', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_revenue_days_pk', ['program_id', 'day', 'currency'])
        .modifyEnd(clustered)
        .execute();
      for (const statement of dialect === 'sqlite' ? SQLITE_TRIGGERS : POSTGRES_TRIGGERS) await sql.raw(statement).execute(db);
      // Approved rewards are few at any time (fulfilment issues them): their cost is read from the ledger.
      await db.schema
        .createIndex('rewards_report_approved')
        .on('rewards')
        .columns(['program_id', 'created_at', 'currency', 'amount'])
        .where(sql.ref('status'), '=', sql.lit('approved'))
        .execute();
    },
  };
}
