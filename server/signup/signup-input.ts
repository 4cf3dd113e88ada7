import { z } from 'zod';
import { normaliseEmail } from '../../src/app/packages/domain/email';
import { checkbox, optionalName } from '../capture/referral-input';
import { AppError, zodIssues, type FieldIssue } from '../errors';

/** A sign-up from the join page's form or a JSON client, checked and with its email normalised. */
export interface SignupInput {
  programId: string;
  /** As typed (trimmed): HubSpot stores it and mail goes to it. */
  email: string;
  /** What duplicates are matched by (provider aliases folded). */
  emailNormalised: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  /** The bot trap was filled in: answer as if accepted, write nothing. */
  isBot: boolean;
}

/** The fields as sent, kept so the form can be shown again with what the person typed. */
export interface SignupFormValues {
  programId?: string | undefined;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

const schema = z.object({
  programId: z.string({ error: 'Name the program to join' }).trim().min(1, 'Name the program to join').max(64, 'Unknown program'),
  email: z.string({ error: 'Enter your email address' }).trim().min(1, 'Enter your email address').max(254, 'That email address is too long'),
  firstname: optionalName('First name'),
  lastname: optionalName('Last name'),
  consent: checkbox.default(false).refine((v) => v, 'Tick the box to agree before signing up'),
  /** Honeypot: hidden from people, filled in by form-filling bots. */
  website: z.string().optional(),
});

/**
 * Parses a sign-up. Every problem is reported at once (`details.issues`, one per field) so the
 * page can show each beside its field; the message names the first.
 */
export function parseSignupInput(body: unknown): SignupInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('BAD_REQUEST', 'Send the sign-up as a JSON object or a form');
  const parsed = schema.safeParse(body);
  const issues: FieldIssue[] = parsed.success ? [] : zodIssues(parsed.error);
  const typed = (body as { email?: unknown }).email;
  const email = typeof typed === 'string' && !issues.some((i) => i.path === 'email') ? normaliseEmail(typed) : undefined;
  if (email && !email.ok) issues.push({ path: 'email', message: email.message });
  if (!parsed.success || !email?.ok) {
    const sorted = sortByForm(issues);
    const first = sorted[0] ?? { path: 'email', message: 'Enter your email address' };
    throw new AppError('VALIDATION_FAILED', `Invalid sign-up: ${first.path}: ${first.message}`, { issues: sorted });
  }
  const f = parsed.data;
  return {
    programId: f.programId, email: email.email, emailNormalised: email.normalised,
    firstName: f.firstname, lastName: f.lastname, isBot: Boolean(f.website?.trim()),
  };
}

/** What was sent, for showing the form again; never throws. */
export function signupFormValues(body: unknown): SignupFormValues {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { programId: text(b.programId), email: text(b.email), firstName: text(b.firstname), lastName: text(b.lastname) };
}

const FORM_ORDER = ['programId', 'firstname', 'lastname', 'email', 'consent'];

/** Issues in the order the fields appear, so the first one named is the first one seen. */
function sortByForm(issues: FieldIssue[]): FieldIssue[] {
  const rank = (path: string) => (FORM_ORDER.includes(path) ? FORM_ORDER.indexOf(path) : FORM_ORDER.length);
  return [...issues].sort((a, b) => rank(a.path) - rank(b.path));
}
