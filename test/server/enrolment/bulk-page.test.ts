import { contactsWithoutCode, countDryRunPage, enrolPage, reservePage, searchRange, writeBack, type PageDeps } from '../../../server/enrolment/bulk-page';
import { BULK_PROPERTIES, BY_ID_ASCENDING } from '../../../server/enrolment/criteria';
import { RunState } from '../../../server/enrolment/run-state';
import { claimRun } from '../../../server/enrolment/runs';
import { HubSpotCallFailed, HubSpotGateway, TIER_LIMITS, scaledLimits } from '../../../server/hubspot/gateway';
import { P } from '../../../server/hubspot/properties';
import type { Program } from '../../../src/app/packages/domain/program';
import { addContacts } from '../../support/contacts';
import { dialects } from '../../support/databases';
import { SANDBOX_TOKEN, createProgram, startHarness, type Harness } from '../../support/harness';
import { dashboardLinksFor } from '../../../server/dashboard/dashboard-token';

const BATCH_UPDATE = 'POST /crm/v3/objects/contacts/batch/update';
const BATCH_READ = 'POST /crm/v3/objects/contacts/batch/read';
const ADMIN = { type: 'admin' as const, id: 'test' };

describe.each(dialects)('the steps of one bulk enrolment page (%s)', (dialect) => {
  let h: Harness;
  let program: Program;
  afterEach(() => h?.close());

  async function start(contacts: number) {
    h = await startHarness({ dialect, sandbox: { scale: 20 }, features: () => [] });
    program = await createProgram(h);
    return addContacts(h, contacts);
  }

  function deps(gateway = h.gateway): PageDeps {
    return { database: h.database, gateway, clock: Date.now, publicBaseUrl: h.url, dashboardLinks: dashboardLinksFor(h.service.ctx.config), logger: h.service.ctx.logger };
  }

  async function runState(dryRun = false, gateway = h.gateway) {
    const claim = await claimRun(h.database.db, program.id, dryRun, Date.now());
    return new RunState({ db: h.database.db, gateway, clock: Date.now }, claim.run);
  }

  const calls = (endpoint: string) => h.sandbox.stats.snapshot().byEndpoint[endpoint] ?? 0;
  const ledger = () => h.database.db.selectFrom('enrolments').select(['contact_id', 'code']).where('program_id', '=', program.id).execute();

  it('read: searches one id range in id order and counts the search', async () => {
    const ids = await start(30);
    const state = await runState();

    const page = await searchRange(deps(), state, program, { after: ids[9]!, upTo: ids[19]! }, BY_ID_ASCENDING, 200, BULK_PROPERTIES);

    expect(page.total).toBe(10);
    expect(page.results.map((c) => c.id)).toEqual(ids.slice(10, 20));
    expect(page.results[0]!.properties.firstname).toMatch(/^Person/);
    expect(state.counts.searches).toBe(1);
  });

  it('plan: keeps a page of contacts the ledger does not know without asking HubSpot again', async () => {
    const ids = await start(5);
    const found = ids.map((id) => ({ id, properties: {} }));

    expect(await contactsWithoutCode(deps(), found)).toEqual(found);
    expect(calls(BATCH_READ)).toBe(0);
  });

  it('plan: leaves out a contact that got its code moments ago, though search still shows it without one', async () => {
    const ids = await start(5);
    // Another program enrolled two of them: ids[2] fully, ids[3] only as far as the ledger.
    const autumn = await createProgram(h, { id: 'autumn' });
    const reserved = await reservePage(deps(), autumn, ADMIN, [{ id: ids[2]!, properties: {} }, { id: ids[3]!, properties: {} }]);
    await writeBack(deps(), await runState(), reserved.slice(0, 1));
    const stale = await h.hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: P.code, operator: 'NOT_HAS_PROPERTY' as never }] }], limit: 100 });
    expect(stale.results.map((r) => r.id)).toContain(ids[2]);

    const left = await contactsWithoutCode(deps(), ids.map((id) => ({ id, properties: {} })));

    // ids[3] is in the ledger but its write never landed: it still needs a code on its record.
    expect(left.map((c) => c.id)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    expect(calls(BATCH_READ)).toBe(1);
  });

  it('save: stores the page in the ledger once; saving it again gives the same codes, not new ones', async () => {
    const ids = await start(3);
    const contacts = ids.map((id) => ({ id, properties: { firstname: 'Ann' } }));

    const first = await reservePage(deps(), program, ADMIN, contacts);
    const again = await reservePage(deps(), program, ADMIN, contacts);

    expect(first.map((w) => w.created)).toEqual([true, true, true]);
    expect(again.map((w) => w.created)).toEqual([false, false, false]);
    expect(again.map((w) => w.properties[P.code])).toEqual(first.map((w) => w.properties[P.code]));
    expect(first[0]!.properties).toMatchObject({ [P.link]: `${h.url}/r/${first[0]!.properties[P.code]}`, [P.program]: program.id });
    expect(await ledger()).toHaveLength(3);
    // Nothing reaches HubSpot in this step.
    expect(h.sandbox.portal.get('contacts', ids[0]!)!.properties[P.code]).toBeUndefined();
  });

  it('write back: batches of 100, every code on its record, a deleted contact counted as failed alone', async () => {
    const ids = await start(250);
    const state = await runState();
    const writes = await reservePage(deps(), program, ADMIN, ids.map((id) => ({ id, properties: {} })));
    h.sandbox.portal.archive('contacts', ids[120]!);
    const batches: number[] = [];

    await writeBack(deps(), state, writes, (batch) => { batches.push(batch); });

    expect(calls(BATCH_UPDATE)).toBe(3);
    expect(batches.sort()).toEqual([0, 1, 2]);
    expect(state.counts).toMatchObject({ batchUpdates: 3, seen: 250, enrolled: 249, failed: 1, failedContactIds: [ids[120]] });
    const codes = new Map((await ledger()).map((r) => [r.contact_id, r.code]));
    for (const id of [ids[0]!, ids[119]!, ids[121]!, ids[249]!]) expect(h.sandbox.portal.get('contacts', id)!.properties[P.code]).toBe(codes.get(id));
  });

  it('write back: a HubSpot outage that outlasts the retries stops the page with nothing counted as written', async () => {
    const ids = await start(150);
    const impatient = new HubSpotGateway(h.hubspot, { limits: scaledLimits(TIER_LIMITS.professional, 20), maxAttempts: 2, sleep: async () => undefined });
    const state = await runState(false, impatient);
    const writes = await reservePage(deps(impatient), program, ADMIN, ids.map((id) => ({ id, properties: {} })));
    const outage = await fetch(`${h.sandbox.url}/sandbox/faults`, {
      method: 'POST', headers: { authorization: `Bearer ${SANDBOX_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ rate: 1, statuses: [503] }),
    });
    expect(outage.status).toBe(200);

    await expect(writeBack(deps(impatient), state, writes)).rejects.toBeInstanceOf(HubSpotCallFailed);

    expect(state.counts).toMatchObject({ batchUpdates: 0, seen: 0, enrolled: 0, failed: 0 });
    // Its codes stay in the ledger for the resumed run.
    expect(await ledger()).toHaveLength(150);
  });

  it('a dry run page is counted and nothing is written to the ledger or HubSpot', async () => {
    const ids = await start(4);
    await reservePage(deps(), program, ADMIN, [{ id: ids[0]!, properties: {} }]);
    const state = await runState(true);

    await enrolPage(deps(), state, program, ADMIN, 1, ids.map((id) => ({ id, properties: {} })));

    expect(state.counts).toMatchObject({ seen: 4, enrolled: 3, alreadyEnrolled: 1 });
    expect(await ledger()).toHaveLength(1);
    expect(calls(BATCH_UPDATE)).toBe(0);
    await countDryRunPage(deps(), state, program.id, [{ id: ids[0]!, properties: {} }]);
    expect(state.counts.alreadyEnrolled).toBe(2);
  });
});
