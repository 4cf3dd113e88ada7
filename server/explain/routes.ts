import { Router } from 'express';
import type { AppContext, Feature } from '../context';
import { AppError } from '../errors';
import { HubSpotCallFailed } from '../hubspot/gateway';
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
    const criteria = parsePreviewCriteria(req.body);
    res.json(await fromHubSpot(previewMatches(hubspot, criteria)));
  });

  admin.get('/contacts/search', async (req, res) => {
    const q = parseLookupQuery(req.query.q);
    res.json({ contacts: await fromHubSpot(lookUpContacts(hubspot, q)) });
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
    res.json(await fromHubSpot(explainContact(ctx, contactId, program)));
  });

  return { admin };
}

/**
 * Everything here answers from HubSpot's data: when HubSpot fails (after the gateway's retries), the
 * answer is a 502 saying so, not a 500 that reads like a fault of the service.
 */
async function fromHubSpot<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (err) {
    if (err instanceof HubSpotCallFailed) throw new AppError('UPSTREAM_FAILED', `${err.message}. Nothing was changed; try again in a moment.`);
    throw err;
  }
}
