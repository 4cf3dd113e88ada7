/**
 * Who matches and why, for the settings page and the contact card: the contacts draft enrolment
 * criteria match, a contact lookup, and the "why?" dry run for one contact. Reads only, so no acting
 * user is needed.
 */
import { z } from 'zod';
import type { ContactSearchAnswer, MatchPreview, WhyAnswer } from '../../app/packages/contracts/explain';
import { defineFunction } from '../lib/define-function';

const parameters = z.discriminatedUnion('action', [
  // The criteria are checked by the service, which names each issue's field.
  z.object({ action: z.literal('preview'), criteria: z.array(z.unknown()).max(20, 'at most 20 enrolment rules') }),
  z.object({ action: z.literal('search'), q: z.string().trim().min(2, 'enter at least 2 characters').max(100, 'at most 100 characters') }),
  z.object({
    action: z.literal('why'),
    contactId: z.coerce.string().regex(/^\d{1,20}$/, 'contactId must be a HubSpot record id').optional(),
    programId: z.string().min(1).max(64).optional(),
  }),
]);

const fn = defineFunction(
  parameters,
  async ({ params, recordId, service }): Promise<MatchPreview | ContactSearchAnswer | WhyAnswer> => {
    switch (params.action) {
      case 'preview':
        return service.previewMatches(params.criteria);
      case 'search':
        return { contacts: await service.searchContacts(params.q) };
      case 'why': {
        // On a contact record the record is the contact; on the settings page the admin chose one.
        const contactId = recordId ?? params.contactId;
        if (!contactId) throw new Error('explain "why" needs a contactId, or propertiesToSend ["hs_object_id"] on a record');
        return service.why(contactId, params.programId);
      }
    }
  },
  { requiresActor: false },
);

export const { main, handle } = fn;
