/**
 * Removes one person's identifiers from the free text of ledger rows (reasons, JSON payloads, audit
 * details, error messages) and leaves everything else in them as it was.
 *
 * Emails, referral codes and links are distinctive, so they are replaced wherever they appear. A
 * contact id is a bare number that also occurs in timestamps, callback ids and portal ids, so it is
 * replaced only where something names it a contact: a JSON field whose name says contact (or the
 * `objectId` of a contact object), or the word "contact" right before it ("contact 123",
 * "sync-contact:123", "?contact=123"). Replacing every "123" would corrupt unrelated ids.
 */
export interface PersonIdentifiers {
  contactId: string | undefined;
  /** What the contact id becomes. */
  pseudonym: string;
  /** Distinctive strings (emails, codes, links), each with its replacement. */
  texts: Array<{ value: string; replacement: string }>;
  /**
   * Property values HubSpot held for the person (qualification evidence). Too short or common to
   * replace everywhere, so only in the person's own rows, and only where a reason quotes them. Own
   * rows also lose anything shaped like an email address.
   */
  ownValues: string[];
}

export const ERASED = '[erased]';

const CONTACT_KEY = /contact/i;
const EMAIL_LIKE = /[^\s"'<>()[\]{},;:@]+@[^\s"'<>()[\]{},;:@]+\.[A-Za-z]{2,}/g;
const CONTACT_TYPES: readonly string[] = ['contact', 'contacts', '0-1'];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function scrubText(text: string, ids: PersonIdentifiers, own = false): string {
  let out = text;
  // Longest first: a link contains its code, and must be replaced whole.
  for (const { value, replacement } of [...ids.texts].sort((a, b) => b.value.length - a.value.length)) {
    if (value) out = out.replace(new RegExp(escapeRegExp(value), 'gi'), replacement);
  }
  if (ids.contactId) {
    const id = escapeRegExp(ids.contactId);
    out = out.replace(new RegExp(`(contacts?[ :=#]+)${id}(?![0-9A-Za-z])`, 'gi'), (_m, named: string) => named + ids.pseudonym);
  }
  if (own) {
    for (const value of ids.ownValues) if (value) out = out.split(`"${value}"`).join(`"${ERASED}"`);
    // Text typed about this person (a payout reference, a review note) may hold an address we were
    // never told, such as a referrer's, whose email only HubSpot had.
    out = out.replace(EMAIL_LIKE, ERASED);
  }
  return out;
}

/**
 * Scrubs a column value: JSON documents field by field (so they stay valid JSON), anything else as
 * text. `own`: the row is about this person (their referral, its audit rows), so the property
 * values that qualification read from their record are dropped too.
 */
export function scrubValue(value: string, ids: PersonIdentifiers, own = false): string {
  const trimmed = value.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const scrubbed = JSON.stringify(scrubJson(JSON.parse(value) as unknown, ids, own, undefined));
      // Untouched documents keep their exact bytes (key order, spacing).
      return scrubbed === JSON.stringify(JSON.parse(value)) ? value : scrubbed;
    } catch {
      // Not JSON after all: text rules.
    }
  }
  return scrubText(value, ids, own);
}

function scrubJson(node: unknown, ids: PersonIdentifiers, own: boolean, key: string | undefined): unknown {
  if (typeof node === 'string') {
    if (ids.contactId && node === ids.contactId && key !== undefined && CONTACT_KEY.test(key)) return ids.pseudonym;
    return scrubText(node, ids, own);
  }
  if (typeof node === 'number') {
    return ids.contactId && String(node) === ids.contactId && key !== undefined && CONTACT_KEY.test(key) ? ids.pseudonym : node;
  }
  if (Array.isArray(node)) return node.map((item) => scrubJson(item, ids, own, key));
  if (node === null || typeof node !== 'object') return node;
  const object = node as Record<string, unknown>;
  const aboutContact = typeof object.objectType === 'string' && CONTACT_TYPES.includes(object.objectType.toLowerCase());
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) {
    if (aboutContact && (k === 'objectId' || k === 'id') && ids.contactId && String(v) === ids.contactId) out[k] = ids.pseudonym;
    // A contact object's own properties (HubSpot sends them with workflow actions): all personal.
    else if (aboutContact && k === 'properties' && v && typeof v === 'object') out[k] = {};
    // Qualification evidence: `{propertyName, value}` read from the person's record.
    else if (own && k === 'value' && 'propertyName' in object && v !== null) out[k] = ERASED;
    else out[k] = scrubJson(v, ids, own, k);
  }
  return out;
}

/**
 * The strings a row must contain to be worth scrubbing: a cheap LIKE filter before the exact rules.
 * Lower case, and also as stored: SQLite's LIKE folds the case of ASCII letters only.
 */
export function searchTerms(ids: PersonIdentifiers): string[] {
  const values = [...ids.texts.map((t) => t.value), ...(ids.contactId ? [ids.contactId] : [])].filter(Boolean);
  return [...new Set(values.flatMap((v) => [v.toLowerCase(), v]))];
}
