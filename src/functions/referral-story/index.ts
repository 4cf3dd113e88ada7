/** The card's data: the contact's referral story from the service, with names of the people in it. */
import { z } from 'zod';
import type { ContactStory, ReferralStoryAnswer } from '../../app/packages/contracts/app-functions';
import { defineFunction } from '../lib/define-function';
import { readContactSummaries } from '../lib/hubspot-contacts';

const parameters = z.object({ contactId: z.coerce.string().regex(/^\d+$/, 'contactId must be a HubSpot record id').optional() });

function peopleIn(story: ContactStory): string[] {
  return [
    ...story.referrals.map((r) => r.referredContactId),
    ...(story.referredBy ? [story.referredBy.referrerContactId] : []),
  ];
}

const fn = defineFunction(
  parameters,
  async ({ params, recordId, service, deps }): Promise<ReferralStoryAnswer> => {
    const contactId = recordId ?? params.contactId;
    if (!contactId) throw new Error('referral-story needs the record id: send propertiesToSend ["hs_object_id"]');
    const story = await service.getStory(contactId);
    // Names make the card readable, but the story is useful without them: a HubSpot hiccup must not hide it.
    const contacts = await readContactSummaries(peopleIn(story), deps).catch((error: unknown) => {
      console.warn('could not read contact names from HubSpot', error);
      return {};
    });
    return { story, contacts };
  },
  { requiresActor: false },
);

export const { main, handle } = fn;
