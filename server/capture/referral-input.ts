import { z } from 'zod';
import { AppError, validationError } from '../errors';
import type { Visitor } from './visits';

export type ReferralSource = 'landing_page' | 'api' | 'hubspot_form';

/** A referral submission, whichever shape it arrived in. */
export interface ReferralInput {
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  code?: string | undefined;
  programId?: string | undefined;
  consent: boolean;
  /** The bot trap was filled in: answer as if accepted, store nothing. */
  isBot: boolean;
  source: ReferralSource;
  /** The submitting browser, for landing-page submissions only (fraud signals). */
  visitor?: Visitor | undefined;
}

/** An optional name field: trimmed, empty means absent. Shared with the sign-up form. */
export const optionalName = (label: string) => z.string().trim().max(100, `${label} must be at most 100 characters`).optional()
  .transform((v) => (v === '' ? undefined : v));
/** A checkbox as forms (`on`) and JSON (`true`) send it. */
export const checkbox = z.union([z.boolean(), z.enum(['on', 'true', 'yes', '1', 'false', 'no', '0', ''])])
  .transform((v) => v === true || v === 'on' || v === 'true' || v === 'yes' || v === '1');

/** The landing page form (urlencoded) and JSON clients. */
const flatSchema = z.object({
  email: z.string({ error: 'Enter your email address' }).trim().min(1, 'Enter your email address').max(254, 'That email address is too long'),
  firstname: optionalName('First name'),
  lastname: optionalName('Last name'),
  firstName: optionalName('First name'),
  lastName: optionalName('Last name'),
  code: z.string().trim().max(40).optional(),
  programId: z.string().trim().max(64).optional(),
  consent: checkbox.optional(),
  /** Honeypot: hidden from people, filled in by form-filling bots. */
  website: z.string().optional(),
});

/** HubSpot form submissions (webhook or embedded form forwarding): `{fields:[{name,value}], context}`. */
const hubspotFormSchema = z.object({
  fields: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).transform(String) })),
  context: z.object({ pageUri: z.string().optional(), hutk: z.string().optional() }).loose().optional(),
});

const CODE_FIELDS = ['referred_by_code', 'referral_code', 'code', 'ref'];
const PROGRAM_FIELDS = ['program', 'program_id', 'programId'];

export function parseReferralInput(body: unknown, source: Exclude<ReferralSource, 'hubspot_form'>): ReferralInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('BAD_REQUEST', 'Send the referral as a JSON object or a form');
  if ('fields' in body) return parseHubSpotForm(body);
  const parsed = flatSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, 'referral');
  const f = parsed.data;
  return {
    email: f.email, firstName: f.firstname ?? f.firstName, lastName: f.lastname ?? f.lastName,
    code: f.code || undefined, programId: f.programId || undefined, consent: f.consent ?? false,
    isBot: Boolean(f.website?.trim()), source,
  };
}

function parseHubSpotForm(body: object): ReferralInput {
  const parsed = hubspotFormSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, 'HubSpot form submission');
  const fields = new Map(parsed.data.fields.map((f) => [f.name, f.value.trim()]));
  const first = (names: string[]) => names.map((n) => fields.get(n)).find((v) => v);
  const email = fields.get('email');
  if (!email) {
    throw new AppError('VALIDATION_FAILED', 'Invalid HubSpot form submission: fields: the form has no "email" field', {
      issues: [{ path: 'fields', message: 'The form needs an email field' }],
    });
  }
  return {
    email,
    firstName: fields.get('firstname') || undefined,
    lastName: fields.get('lastname') || undefined,
    code: first(CODE_FIELDS) ?? codeFromPage(parsed.data.context?.pageUri),
    programId: first(PROGRAM_FIELDS),
    // HubSpot forms collect consent with their own GDPR options before they submit.
    consent: true,
    isBot: false,
    source: 'hubspot_form',
  };
}

/** A landing page hosted elsewhere gets the code in its address (`?ref=`) from the redirect. */
function codeFromPage(pageUri: string | undefined): string | undefined {
  if (!pageUri) return undefined;
  try {
    return new URL(pageUri).searchParams.get('ref') ?? undefined;
  } catch {
    return undefined;
  }
}
