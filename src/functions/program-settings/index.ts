/**
 * Programs for the settings page: list, get, save, the launch checklist, and what the page picks
 * from (the portal's owners, stages, pipelines, properties and currencies, read by the service). A
 * save is checked with the service's own schema first, so the page gets every field issue without a
 * round trip that would fail anyway; the service audits it with the HubSpot user HubSpot names in
 * the function's context. Also a program's event subscriptions: list, add, pause or resume, remove;
 * the service validates those and names the field at fault.
 */
import { z } from 'zod';
import { parseProgram } from '../../app/packages/domain/program';
import { defineFunction } from '../lib/define-function';
import { ServiceError } from '../lib/service-client';

const parameters = z.discriminatedUnion('action', [
  z.object({ action: z.literal('list') }),
  z.object({ action: z.literal('get'), programId: z.string().min(1) }),
  z.object({ action: z.literal('save'), program: z.record(z.string(), z.unknown()) }),
  z.object({ action: z.literal('doctor'), programId: z.string().min(1) }),
  z.object({ action: z.literal('options') }),
  z.object({ action: z.literal('owners'), q: z.string().trim().min(1, 'Type part of a name or email to search owners').max(100) }),
  z.object({ action: z.literal('owners-by-id'), ids: z.array(z.string().regex(/^\d+$/, 'Owner ids are numbers')).min(1).max(100) }),
  z.object({ action: z.literal('in-flight'), programId: z.string().min(1) }),
  z.object({ action: z.literal('subscriptions'), programId: z.string().min(1) }),
  z.object({
    action: z.literal('subscribe'), programId: z.string().min(1),
    // Only the name of the service setting holding the secret: the secret itself never passes through HubSpot.
    subscription: z.object({ url: z.string(), secretRef: z.string(), eventTypes: z.array(z.string()) }),
  }),
  z.object({ action: z.literal('setSubscriptionStatus'), subscriptionId: z.string().min(1), status: z.enum(['active', 'paused']) }),
  z.object({ action: z.literal('unsubscribe'), subscriptionId: z.string().min(1) }),
]);

const fn = defineFunction(
  parameters,
  async ({ params, service }) => {
    switch (params.action) {
      case 'list':
        return { programs: await service.listPrograms() };
      case 'get':
        return { program: await service.getProgram(params.programId) };
      case 'doctor':
        return { checklist: await service.doctor(params.programId) };
      case 'options':
        return { options: await service.portalOptions() };
      case 'owners':
        return { owners: await service.searchOwners(params.q) };
      case 'owners-by-id':
        return { owners: await service.ownersById(params.ids) };
      case 'in-flight':
        return { inFlight: await service.inFlight(params.programId) };
      case 'subscriptions':
        return { subscriptions: await service.listSubscriptions(params.programId) };
      case 'subscribe':
        return { subscription: await service.createSubscription(params.programId, params.subscription) };
      case 'setSubscriptionStatus':
        return { subscription: await service.setSubscriptionStatus(params.subscriptionId, params.status) };
      case 'unsubscribe':
        await service.deleteSubscription(params.subscriptionId);
        return { removed: params.subscriptionId };
      case 'save': {
        const parsed = parseProgram(params.program);
        if (!parsed.ok) throw new ServiceError('VALIDATION_FAILED', 'Some settings are not valid; fix the fields marked and save again.', parsed.issues);
        return service.saveProgram(parsed.program.id, params.program);
      }
    }
  },
  { requiresActor: true },
);

export const { main, handle } = fn;
