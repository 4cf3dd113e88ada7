import pino from 'pino';
import { createCaptureFeature, type CaptureFeatureOptions } from '../../../server/capture/routes';
import type { CaptureDeps } from '../../../server/capture/capture-referral';
import { referredByTypeIdLookup } from '../../../server/capture/referred-by-type';
import type { Dialect } from '../../../server/db/database';
import type { ValidSubmission } from '../../../server/capture/validate-submission';
import type { EnrolmentRow } from '../../../server/enrolment/repository';
import { saveProgram } from '../../../server/programs/repository';
import { reserveEnrolments } from '../../../server/enrolment/repository';
import { cryptoRandom } from '../../../src/app/packages/domain/codes';
import type { Program } from '../../../src/app/packages/domain/program';
import { addContacts } from '../../support/contacts';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
import { insertEnrolment } from '../../support/ledger';
import { buildProgram, startHarness, type Harness } from '../../support/harness';

/** The capture routes alone, with their per-address limits set for the test, in a portal with owners 1001–1003. */
export async function startCapture(dialect: Dialect, clock: () => number, limits: CaptureFeatureOptions['limits'] = { submissions: 50 }, setUp = true) {
  // HubSpot's clock is the service's: contacts' createdate and captures are compared.
  const h = await startHarness({ dialect, clock, setUp, sandbox: { clock }, features: (gateway) => [createCaptureFeature({ gateway: () => gateway, limits })] });
  for (const name of ['Olive', 'Omar', 'Oona']) h.sandbox.portal.owners.add({ firstName: name, lastName: 'Owner', email: `${name}@owners.example` });
  return h;
}

/** The capture steps wired to the harness, as the routes wire them. */
export function captureDeps(h: Harness): CaptureDeps {
  return {
    database: h.database, gateway: h.gateway, clock: h.service.ctx.clock, logger: pino({ level: 'silent' }),
    referredByTypeId: referredByTypeIdLookup(h.gateway),
  };
}

export async function enrol(h: Harness, program: Program, contactId: string) {
  const reserved = await reserveEnrolments(h.database.db, {
    program, contacts: [{ id: contactId }], source: 'manual', actor: { type: 'admin', id: null },
    publicBaseUrl: h.url, now: h.service.ctx.clock(), random: cryptoRandom,
  });
  return reserved.get(contactId)!.row;
}

let referrers = 0;
export async function referrerWithCode(h: Harness, program: Program, props: Record<string, string> = {}) {
  referrers++;
  const [id] = addContacts(h, 1, () => ({ email: `anna${referrers}@referrer.example`, firstname: 'Anna', hubspot_owner_id: '1002', ...props }));
  return enrol(h, program, id!);
}

/** The referral the ledger holds for this address; the public answer never tells. */
export const referralOf = (h: Harness, normalised: string) =>
  h.database.db.selectFrom('referrals').selectAll().where('email_normalised', '=', normalised).executeTakeFirstOrThrow();

export const claims = (h: Harness) => h.database.db.selectFrom('referral_claims').selectAll().execute();

/** A ledger with the "spring" program and one referrer (contact 101, code ANNA2345), for the capture steps alone. */
export async function ledgerWithReferrer(dialect: Dialect, now: number): Promise<{ database: TestDatabase; program: Program; enrolment: EnrolmentRow }> {
  const database = await createTestDatabase(dialect);
  const { program } = await saveProgram(database.db, buildProgram(), now);
  await insertEnrolment(database.db, { id: 'enr_1', programId: program.id, contactId: '101', code: 'ANNA2345', now });
  const enrolment = await database.db.selectFrom('enrolments').selectAll().executeTakeFirstOrThrow();
  return { database, program, enrolment };
}

/** A submission as validation hands it to the claim step. */
export function validSubmission(email: string, referrer: { program: Program; enrolment: EnrolmentRow }): ValidSubmission {
  return {
    input: { email, consent: true, isBot: false, source: 'api' }, email, normalised: email.toLowerCase(),
    enrolment: referrer.enrolment, program: referrer.program, referrerOwnerId: undefined,
  };
}
