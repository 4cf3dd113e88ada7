import { createRequire } from 'node:module';

/**
 * The maintained lists the email-domain signals read: `mailchecker` (disposable providers, updated
 * with every release) and `email-providers` (free-mail providers, from goware/emailproviders).
 * Upgrading either package updates the lists; nothing here is hand-written.
 */
const require = createRequire(__filename);
const mailchecker = require('mailchecker') as { blacklist(): Set<string> };
const freeMail = require('email-providers/all.json') as string[];

// eslint-disable-next-line no-restricted-syntax -- a fixed lookup table read from a package, the same for every context
const FREE_MAIL = new Set(freeMail.map((d) => d.toLowerCase()));

/** A domain or any parent of it is a disposable provider (mail.throwaway.example counts). */
export function isDisposableDomain(domain: string): boolean {
  const disposable = mailchecker.blacklist();
  let current = domain.toLowerCase();
  for (;;) {
    if (disposable.has(current)) return true;
    const dot = current.indexOf('.');
    if (dot === -1) return false;
    current = current.slice(dot + 1);
  }
}

export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL.has(domain.toLowerCase());
}
