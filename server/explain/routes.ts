import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { AppError } from '../errors';
import { parsePreviewCriteria, previewMatches } from '../enrolment/match-preview';
import { lookUpContacts, parseLookupQuery } from './contact-search';
import { explainContact } from './explain-contact';

const PROGRAM_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Who matches and why, for the settings page and the contact card (admin API): a preview of the
 * contacts that enrolment criteria match, a contact lookup, and the "why?" dry run. All of it reads;
 * none of it writes.
 */
export function explainFeature(ctx: AppContext): Feature {
  const hubspot = { gateway: ctx.gateway, portalSettings: ctx.portalSettings };
  const admin = Router();

  admin.post('/enrolment-preview', async (req, res) => {
    res.json(await previewMatches(hubspot, parsePreviewCriteria(req.body)));
  });

  admin.get('/contacts/search', async (req, res) => {
    res.json({ contacts: await lookUpContacts(hubspot, parseLookupQuery(req.query.q)) });
  });

  admin.get('/contacts/:contactId/why', async (req, res) => {
    const { contactId } = req.params;
    if (!/^\d{1,20}$/.test(contactId)) {
      throw new AppError('VALIDATION_FAILED', `"${contactId.slice(0, 40)}" is not a HubSpot contact id: use the record's numeric id`, {
        issues: [{ path: 'contactId', message: 'must be a HubSpot record id (digits)' }],
      });
    }
    const program = req.query.program;
    if (program !== undefined && (typeof program !== 'string' || program.length > 64 || !PROGRAM_ID.test(program))) {
      throw new AppError('VALIDATION_FAILED', 'Invalid "why?" request: program: must be a program id such as spring-2026', {
        issues: [{ path: 'program', message: 'must be a program id such as spring-2026' }],
      });
    }
    res.json(await explainContact(ctx, contactId, program));
  });

  return { admin };
}
