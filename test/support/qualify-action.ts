import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/deals';
import request from 'supertest';
import { signedHeaders } from '../../sandbox';
import pino from 'pino';
import { JobWorker } from '../../server/jobs/queue';
import { qualifyJobHandlers } from '../../server/qualify/qualify-referral';
import { TEST_CLIENT_SECRET, type Harness } from './harness';
import { createReferral } from './ledger';

export const QUALIFY_ACTION_PATH = '/hubspot/actions/qualify-referral';

/** The headers HubSpot sends with a "Qualify referral" delivery of `body`. */
export function signedFor(h: Harness, body: string, timestamp = Date.now()): Record<string, string> {
  return signedHeaders({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: h.url + QUALIFY_ACTION_PATH, body, timestamp }, 'v3+v2');
}

/**
 * Delivers "Qualify referral" as HubSpot does; the answer is BLOCK at once. Then lets the service
 * decide and returns the output fields the callback is completed with (only the BLOCK state while
 * a reviewer has to decide).
 */
export async function qualifyAction(h: Harness, body: string): Promise<Record<string, string>> {
  const res = await request(h.url).post(QUALIFY_ACTION_PATH).set(signedFor(h, body)).type('json').send(body);
  expect(res.status).toBe(200);
  expect(res.body.outputFields.hs_execution_state).toBe('BLOCK');
  await decideQueued(h);
  const { callbackId } = JSON.parse(body) as { callbackId: string };
  const decision = await h.service.ctx.database.db.selectFrom('action_decisions').selectAll()
    .where('callback_id', '=', callbackId).executeTakeFirstOrThrow();
  expect(decision.decided_at).not.toBeNull();
  return decision.outputs ? (JSON.parse(decision.outputs) as Record<string, string>) : { hs_execution_state: decision.execution_state };
}

/** Runs the queued "Qualify referral" decisions and nothing else: the jobs they queue stay pending. */
export async function decideQueued(h: Harness): Promise<void> {
  const decider = new JobWorker(h.service.ctx.database, {
    handlers: {}, batchHandlers: qualifyJobHandlers(h.service.ctx), clock: h.service.ctx.clock, logger: pino({ level: 'silent' }),
  });
  await decider.drain();
}

const DEAL_TO_CONTACT = 3;

/**
 * A referred friend with a won deal, run through "Qualify referral" with a deal-stage milestone:
 * the deal, the referral and the outputs the action answered (qualified, or BLOCK while a reviewer decides).
 */
export async function qualifyByWonDeal(h: Harness) {
  const { friendId, referralId } = await createReferral(h, { capturedAt: h.service.ctx.clock() - 60_000 });
  const deal = await h.hubspot.crm.deals.basicApi.create({
    properties: { dealname: 'Friend deal', pipeline: 'default', dealstage: 'closedwon', amount: '1200' },
    associations: [{ to: { id: friendId }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: DEAL_TO_CONTACT }] }],
  });
  const body = JSON.stringify({
    callbackId: `ap-9-9-${deal.id}-0`,
    origin: { portalId: 1, actionDefinitionId: 7, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 99 },
    object: { objectId: Number(friendId), objectType: 'CONTACT', properties: {} },
    inputFields: { program: 'spring', milestone_kind: 'deal_stage', pipeline: 'default', deal_stage: 'closedwon' },
  });
  return { dealId: deal.id, referralId, outputFields: await qualifyAction(h, body) };
}
