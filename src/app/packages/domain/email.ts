/**
 * Email normalisation for matching referred friends and spotting self-referrals. The address as
 * typed is kept for sending; `normalised` is what two sign-ups are compared by.
 *
 * Provider rules (only where the provider documents that the variants reach the same mailbox;
 * elsewhere "+" and dots may name different people, so they are kept):
 * - gmail.com, googlemail.com: dots in the local part are ignored, "+tag" is dropped, and
 *   googlemail.com becomes gmail.com.
 * - "+tag" is dropped (sub-addressing) for Microsoft (outlook.com, hotmail.com, live.com, msn.com),
 *   Apple (icloud.com, me.com, mac.com), Fastmail (fastmail.com, fastmail.fm), Proton
 *   (proton.me, protonmail.com, protonmail.ch, pm.me) and Yandex (yandex.ru, yandex.com, ya.ru).
 * Yahoo's "-keyword" disposable addresses are not stripped: a hyphen is also a normal character
 * in Yahoo user names, so the base name cannot be recovered from the address alone.
 */

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);
const PLUS_ALIAS_DOMAINS = new Set([
  'outlook.com', 'hotmail.com', 'live.com', 'msn.com',
  'icloud.com', 'me.com', 'mac.com',
  'fastmail.com', 'fastmail.fm',
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me',
  'yandex.ru', 'yandex.com', 'ya.ru',
]);

export type EmailErrorCode =
  | 'empty' | 'too_long' | 'whitespace' | 'missing_at' | 'multiple_at'
  | 'invalid_local_part' | 'invalid_domain';

export type NormaliseEmailResult =
  | { ok: true; email: string; normalised: string }
  | { ok: false; code: EmailErrorCode; message: string };

const LOCAL_ATOM = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;

function fail(code: EmailErrorCode, message: string): NormaliseEmailResult {
  return { ok: false, code, message };
}

function validLocalPart(local: string): boolean {
  return local.length > 0 && local.length <= 64 && local.split('.').every((atom) => LOCAL_ATOM.test(atom));
}

function validate(email: string): NormaliseEmailResult | null {
  if (email === '') return fail('empty', 'Enter an email address');
  if (email.length > 254) return fail('too_long', 'That email address is too long (at most 254 characters)');
  if (/\s/.test(email)) return fail('whitespace', `"${email}" contains a space; an email address has none`);
  const at = email.split('@');
  if (at.length < 2) return fail('missing_at', `"${email}" is missing the @ between name and domain`);
  if (at.length > 2) return fail('multiple_at', `"${email}" has more than one @`);
  const [local = '', domain = ''] = at;
  if (!validLocalPart(local)) {
    return fail('invalid_local_part', `The part before the @ in "${email}" is not valid (no leading, trailing or double dots, no quotes or commas)`);
  }
  const labels = domain.split('.');
  const tld = labels[labels.length - 1] ?? '';
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || !TOP_LEVEL.test(tld)) {
    return fail('invalid_domain', `"${domain || '(nothing)'}" after the @ is not an email domain, e.g. example.com`);
  }
  return null;
}

export function normaliseEmail(raw: string): NormaliseEmailResult {
  const email = raw.trim();
  const invalid = validate(email);
  if (invalid) return invalid;
  const lower = email.toLowerCase();
  const at = lower.lastIndexOf('@');
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  if (GMAIL_DOMAINS.has(domain)) {
    local = stripPlusTag(local).replace(/\./g, '');
    domain = 'gmail.com';
  } else if (PLUS_ALIAS_DOMAINS.has(domain)) {
    local = stripPlusTag(local);
  }
  // "+only@gmail.com" or "a.+x@outlook.com" would leave no valid mailbox name; such an address
  // cannot be an alias of another, so it is kept whole and still matches itself.
  const normalised = validLocalPart(local) ? `${local}@${domain}` : lower;
  return { ok: true, email, normalised };
}

function stripPlusTag(local: string): string {
  const plus = local.indexOf('+');
  return plus === -1 ? local : local.slice(0, plus);
}

/** The domain of a normalised address, for flags like "same email domain as the referrer". */
export function emailDomain(normalised: string): string {
  return normalised.slice(normalised.lastIndexOf('@') + 1);
}
