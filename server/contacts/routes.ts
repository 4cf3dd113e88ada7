import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { AppError } from '../errors';
import { contactStory } from './story';

/** The contact story the CRM card shows (through the referral-story function). */
export function contactsFeature(ctx: AppContext): Feature {
  const admin = Router();
  admin.get('/contacts/:contactId/story', async (req, res) => {
    const { contactId } = req.params;
    if (!/^\d+$/.test(contactId)) {
      throw new AppError('BAD_REQUEST', `"${contactId}" is not a HubSpot contact id: use the record's numeric id`);
    }
    res.json(await contactStory(ctx.database.db, contactId));
  });
  return { admin };
}
