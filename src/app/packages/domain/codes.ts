/**
 * Referral codes people read aloud, type from a screenshot and paste into URLs. The alphabet drops
 * characters that are confused with one another (0/O, 1/I/L) and U (avoids accidental words).
 *
 * Two shapes:
 * - random: `K7M3QX9D` — CODE_LENGTH characters of CODE_ALPHABET;
 * - vanity: `ANNA-7K3Q` — the referrer's ascii-folded first name (letters only, up to 10) and a
 *   random 4-character suffix. The hyphen keeps the two shapes apart, since names use any letter.
 */

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 8;
export const VANITY_NAME_MAX = 10;
export const VANITY_SUFFIX_LENGTH = 4;
/** Shorter codes are too easy to guess; longer ones are a typing chore. */
const MIN_RANDOM_LENGTH = 6;
const MAX_RANDOM_LENGTH = 16;

/** Returns `n` random bytes. Inject a seeded source in tests; use `cryptoRandom` in production. */
export type RandomBytes = (n: number) => Uint8Array;

/** Web Crypto is available in Node 20 and in browsers, so this works in the service and the UI. */
export const cryptoRandom: RandomBytes = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));

const ALPHABET_CHARS = `[${CODE_ALPHABET}]`;
const RANDOM_CODE = new RegExp(`^${ALPHABET_CHARS}{${MIN_RANDOM_LENGTH},${MAX_RANDOM_LENGTH}}$`);
const VANITY_CODE = new RegExp(`^[A-Z]{2,${VANITY_NAME_MAX}}-${ALPHABET_CHARS}{${VANITY_SUFFIX_LENGTH}}$`);

/** Uniform characters: bytes at or above the largest multiple of the alphabet size are discarded. */
function randomChars(random: RandomBytes, length: number): string {
  const size = CODE_ALPHABET.length;
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < length) {
    for (const byte of random(length - out.length + 4)) {
      if (byte < limit && out.length < length) out += CODE_ALPHABET[byte % size];
    }
  }
  return out;
}

export function generateCode(random: RandomBytes, length: number = CODE_LENGTH): string {
  if (!Number.isInteger(length) || length < MIN_RANDOM_LENGTH || length > MAX_RANDOM_LENGTH) {
    throw new RangeError(`Code length must be a whole number from ${MIN_RANDOM_LENGTH} to ${MAX_RANDOM_LENGTH}, got ${length}`);
  }
  return randomChars(random, length);
}

/** Letters NFKD cannot decompose into a base letter plus accents. */
const FOLDS: Record<string, string> = {
  ß: 'SS', ẞ: 'SS', Æ: 'AE', æ: 'AE', Œ: 'OE', œ: 'OE', Ø: 'O', ø: 'O', Ł: 'L', ł: 'L',
  Đ: 'D', đ: 'D', Ð: 'D', ð: 'D', Þ: 'TH', þ: 'TH', ı: 'I', Ħ: 'H', ħ: 'H',
};

/** "Zoë-Élise" → "ZOEELISE"; letters outside Latin are dropped. */
export function asciiFoldName(name: string): string {
  return name
    .replace(/[^\x20-\x7e]/g, (ch) => FOLDS[ch] ?? ch)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

/** `ANNA-7K3Q` from "Anna"; a random code when the name leaves fewer than two letters. */
export function vanityCode(firstName: string | null | undefined, random: RandomBytes): string {
  const name = asciiFoldName(firstName ?? '').slice(0, VANITY_NAME_MAX);
  if (name.length < 2) return generateCode(random);
  return `${name}-${randomChars(random, VANITY_SUFFIX_LENGTH)}`;
}

/**
 * The canonical form of a code someone typed or a link carried: case-insensitive, surrounding and
 * inner spaces ignored, any dash character read as a hyphen. `null` when it cannot be a code.
 */
export function normaliseCode(raw: string): string | null {
  const code = raw.normalize('NFKC').toUpperCase().replace(/\s+/g, '').replace(/[\u2010-\u2015\u2212_]/g, '-');
  return RANDOM_CODE.test(code) || VANITY_CODE.test(code) ? code : null;
}

export function isWellFormedCode(raw: string): boolean {
  return normaliseCode(raw) !== null;
}
