/**
 * The card's data: the contact's referral story from the service, with names of the people in it.
 * With `action: "rotate-dashboard-link"` it first revokes the referrer's dashboard link in a program
 * and answers the new one beside the story (the card's referrer section calls it).
 */
import { z } from 'zod';
import type { ContactStory, DashboardLinkRotation, ReferralStoryAnswer } from '../../app/packages/contracts/app-functions';
import { defineFunction } from '../lib/define-function';
import { readContactSummaries } from '../lib/hubspot-contacts';
import { ServiceError } from '../lib/service-client';

const parameters = z.object({
  contactId: z.coerce.string().regex(/^\d+$/, 'contactId must be a HubSpot record id').optional(),
  action: z.enum(['rotate-dashboard-link'], 'action must be "rotate-dashboard-link" (or absent to read the story)').optional(),
  programId: z.string().trim().min(1, 'programId is required').max(100).optional(),
}).refine((p) => p.action === undefined || p.programId !== undefined, { path: ['programId'], message: 'programId is required to rotate a dashboard link' });

function peopleIn(story: ContactStory): string[] {
  return [
    ...story.referrals.map((r) => r.referredContactId),
    ...(story.referredBy ? [story.referredBy.referrerContactId] : []),
  ];
}

const fn = defineFunction(
  parameters,
  async ({ params, recordId, actor, service, deps }): Promise<ReferralStoryAnswer & Partial<DashboardLinkRotation>> => {
    const contactId = recordId ?? params.contactId;
    if (!contactId) throw new Error('referral-story needs the record id: send propertiesToSend ["hs_object_id"]');
    let rotation: DashboardLinkRotation | undefined;
    if (params.action === 'rotate-dashboard-link') {
      // Revoking a link someone may rely on is recorded with the person who did it.
      if (!actor) throw new ServiceError('NO_ACTOR', 'Could not tell which HubSpot user is acting, so the change cannot be recorded. Reload the page and try again.');
      rotation = await service.rotateDashboardLink(params.programId!, contactId);
    }
    const story = await service.getStory(contactId);
    // Names make the card readable, but the story is useful without them: a HubSpot hiccup must not hide it.
    const contacts = await readContactSummaries(peopleIn(story), deps).catch((error: unknown) => {
      console.warn('could not read contact names from HubSpot', error);
      return {};
    });
    return { story, contacts, ...rotation };
  },
  { requiresActor: false },
);

export const { main, handle } = fn;
