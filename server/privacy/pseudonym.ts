import { createHmac } from 'node:crypto';
import type { Config } from '../config';
import { AppError } from '../errors';

/**
 * Erased people stay in the ledger as a pseudonym, so amounts, audit rows and report tallies still
 * add up. It is an HMAC with a key kept outside the database: contact ids are small integers, and a
 * plain hash of one could be reversed by hashing every id; without the key it cannot.
 */
export const PSEUDONYM_PREFIX = 'erased:';

/** 96 bits: no two people of one portal share a pseudonym, and it stays readable in a report. */
const PSEUDONYM_HEX = 24;

export type PseudonymKey = Buffer & { readonly __brand: 'pseudonym key' };

/**
 * PRIVACY_PSEUDONYM_KEY when set; otherwise derived from the app's client secret, which every
 * deployment that receives HubSpot's deletion events already keeps secret. Either way the key used is
 * an HMAC of the secret, never the secret itself, so a pseudonym reveals nothing about it.
 */
export function pseudonymKey(config: Pick<Config, 'privacyKey' | 'hubspot'>): PseudonymKey {
  const secret = config.privacyKey ?? config.hubspot.clientSecret;
  if (!secret) {
    throw new AppError('UNAVAILABLE', 'Erasure needs a key for pseudonyms: set PRIVACY_PSEUDONYM_KEY (or HUBSPOT_CLIENT_SECRET)');
  }
  return createHmac('sha256', secret).update('referral-ops pseudonyms').digest() as PseudonymKey;
}

function pseudonym(key: PseudonymKey, kind: 'contact' | 'email', value: string): string {
  return PSEUDONYM_PREFIX + createHmac('sha256', key).update(`${kind}:${value}`).digest('hex').slice(0, PSEUDONYM_HEX);
}

/** The same contact always gets the same pseudonym, so all of a person's rows stay together. */
export const contactPseudonym = (key: PseudonymKey, contactId: string) => pseudonym(key, 'contact', contactId);

/** For an erasure by email that matched no contact: the log can still prove it was carried out. */
export const emailPseudonym = (key: PseudonymKey, normalisedEmail: string) => pseudonym(key, 'email', normalisedEmail);

export function isPseudonym(id: string): boolean {
  return id.startsWith(PSEUDONYM_PREFIX);
}
