import type { SimplePublicObject } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { cryptoRandom } from '../../src/app/packages/domain/codes';
import type { Program } from '../../src/app/packages/domain/program';
import type { Actor } from '../ledger/actor';
import { HubSpotCallFailed } from '../hubspot/gateway';
import { P } from '../hubspot/properties';
import type { Logger } from '../logger';
import { enrolmentSearch } from './criteria';
import { enrolmentProperties, type EnrolDeps } from './enrol-contact';
import type { IdRange } from './id-ranges';
import { reserveEnrolments } from './repository';
import type { ContactWrite, RunState } from './run-state';

/**
 * The steps a bulk run takes for one page of contacts: read (search a range), plan (leave out who
 * has a code now), save (ledger rows first), write back (batch updates to HubSpot). Each step
 * moves the run's counts only for what it finished.
 */

/** HubSpot's batch endpoints take at most 100 inputs. */
export const BATCH_SIZE = 100;

export interface PageDeps extends EnrolDeps {
  logger: Pick<Logger, 'warn'>;
}

export type Contact = Pick<SimplePublicObject, 'id' | 'properties'>;
export interface SearchPage {
  total: number;
  results: Contact[];
}

/** Read: one search for the program's contacts without a code inside `range`. */
export async function searchRange(
  deps: PageDeps, state: RunState, program: Readonly<Program>, range: IdRange, sorts: string[], limit: number, properties: string[],
): Promise<SearchPage> {
  // Built outside the call: criteria that do not fit are refused at once, not retried as a failed call.
  const body = enrolmentSearch(program, range, sorts, limit, properties);
  const found = await deps.gateway.call('search', `search contacts to enrol in ${program.id}`, (c) => c.crm.contacts.searchApi.doSearch(body));
  state.countSearch();
  return found;
}

/**
 * Plan: the contacts of a page that still have no code. Search lags behind writes (a minute after
 * an update, in the sandbox's model), so a page may hold contacts given a code moments ago: by this
 * run before a crash, the workflow action, another program. The index still shows them without
 * one. Those the ledger knows are read back (reads are not delayed) and dropped when they have a
 * code now, as a fresh index would have left them out; contacts unknown to the ledger cannot have
 * been given a code by this service, so a fresh run reads nothing back.
 */
export async function contactsWithoutCode(deps: PageDeps, contacts: Contact[]): Promise<Contact[]> {
  if (contacts.length === 0) return contacts;
  const known = await deps.database.db.selectFrom('enrolments').select('contact_id').distinct()
    .where('contact_id', 'in', contacts.map((c) => c.id)).execute();
  if (known.length === 0) return contacts;
  const coded = new Set<string>();
  for (let i = 0; i < known.length; i += BATCH_SIZE) {
    const inputs = known.slice(i, i + BATCH_SIZE).map((k) => ({ id: k.contact_id }));
    const read = await deps.gateway.call('read', `read the referral codes of ${inputs.length} contacts`, (c) =>
      c.crm.contacts.batchApi.read({ inputs, properties: [P.code], propertiesWithHistory: [] }));
    for (const contact of read.results) if (contact.properties[P.code]) coded.add(contact.id);
  }
  return contacts.filter((c) => !coded.has(c.id));
}

/** A dry run's page: counts who would be enrolled and who has a ledger row already; writes nothing. */
export async function countDryRunPage(deps: PageDeps, state: RunState, programId: string, contacts: Contact[]): Promise<void> {
  const known = await deps.database.db.selectFrom('enrolments').select('contact_id')
    .where('program_id', '=', programId).where('contact_id', 'in', contacts.map((c) => c.id)).execute();
  state.countDryRunPage(contacts.length, known.length);
}

/**
 * Save: the page's enrolments go into the ledger before HubSpot hears of them, so a crash between
 * the two leaves codes that the resumed run finds again, never a code HubSpot has and the ledger not.
 */
export async function reservePage(deps: PageDeps, program: Readonly<Program>, actor: Actor, contacts: Contact[]): Promise<ContactWrite[]> {
  const reserved = await reserveEnrolments(deps.database.db, {
    program, contacts: contacts.map((c) => ({ id: c.id, firstName: c.properties.firstname })), source: 'bulk', actor,
    publicBaseUrl: deps.publicBaseUrl, now: deps.clock(), random: deps.random ?? cryptoRandom,
  });
  return contacts.map((c) => {
    const { row, created } = reserved.get(c.id)!;
    return { id: c.id, properties: enrolmentProperties(row, deps.dashboardLinks), created };
  });
}

/**
 * Write back: the page's codes go to HubSpot in batches of 100, sent together. Counts move per
 * batch that landed, and every batch settles before a failure is reported, so the counts a crash
 * leaves saved include all that landed.
 */
export async function writeBack(
  deps: PageDeps, state: RunState, writes: ContactWrite[], afterBatch?: (batch: number) => void | Promise<void>,
): Promise<void> {
  const batches: ContactWrite[][] = [];
  for (let i = 0; i < writes.length; i += BATCH_SIZE) batches.push(writes.slice(i, i + BATCH_SIZE));
  const outcomes = await Promise.allSettled(batches.map(async (batch, i) => {
    const written = await updateContacts(deps, batch.map(({ id, properties }) => ({ id, properties })));
    state.countBatch(batch, written);
    await afterBatch?.(i);
  }));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * One batch update; ids HubSpot did not update are retried one by one so a single bad record
 * (deleted meanwhile, say) costs itself, not its 99 neighbours. Returns the ids now written.
 * Temporary failures that outlast the gateway's retries stop the run (it resumes later).
 */
async function updateContacts(deps: PageDeps, inputs: Array<{ id: string; properties: Record<string, string> }>): Promise<Set<string>> {
  const done = new Set<string>();
  try {
    const result = await deps.gateway.call('write', `update ${inputs.length} contacts`, (c) => c.crm.contacts.batchApi.update({ inputs }));
    for (const r of result.results) done.add(r.id);
  } catch (err) {
    if (!isPermanent(err)) throw err;
    deps.logger.warn({ error: (err as Error).message }, 'batch update refused; updating its contacts one by one');
  }
  for (const input of inputs.filter((i) => !done.has(i.id))) {
    try {
      await deps.gateway.call('write', `update contact ${input.id}`, (c) => c.crm.contacts.basicApi.update(input.id, { properties: input.properties }));
      done.add(input.id);
    } catch (err) {
      if (!isPermanent(err)) throw err;
      deps.logger.warn({ contactId: input.id, error: (err as Error).message }, 'contact could not be enrolled in HubSpot');
    }
  }
  return done;
}

function isPermanent(err: unknown): boolean {
  return err instanceof HubSpotCallFailed && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429;
}

export interface PageHooks {
  /** A page's enrolments are in the ledger; HubSpot is not written yet. Pages are numbered in the order they are handled. */
  afterReserve?(page: number): void | Promise<void>;
  /** One batch update of a page went through. */
  afterBatch?(page: number, batch: number): void | Promise<void>;
}

/** One page, start to end: plan, then count it (dry run) or save it and write it back. */
export async function enrolPage(
  deps: PageDeps, state: RunState, program: Readonly<Program>, actor: Actor, page: number, found: Contact[], hooks: PageHooks = {},
): Promise<void> {
  const contacts = await contactsWithoutCode(deps, found);
  if (contacts.length === 0) return;
  if (state.dryRun) return countDryRunPage(deps, state, program.id, contacts);
  const writes = await reservePage(deps, program, actor, contacts);
  await hooks.afterReserve?.(page);
  await writeBack(deps, state, writes, (batch) => hooks.afterBatch?.(page, batch));
}
