/** Enrol the contact the card sits on in a program that allows manual enrolment. */
import { z } from 'zod';
import { defineFunction } from '../lib/define-function';

const parameters = z.object({
  programId: z.string().min(1, 'Choose a program'),
  contactId: z.coerce.string().regex(/^\d+$/, 'contactId must be a HubSpot record id').optional(),
});

const fn = defineFunction(
  parameters,
  async ({ params, recordId, service }) => {
    const contactId = recordId ?? params.contactId;
    if (!contactId) throw new Error('enrol-contact needs the record id: send propertiesToSend ["hs_object_id"]');
    return service.enrol(params.programId, contactId);
  },
  { requiresActor: true },
);

export const { main, handle } = fn;
