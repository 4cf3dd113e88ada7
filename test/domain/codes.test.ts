import fc from 'fast-check';
import {
  CODE_ALPHABET, CODE_LENGTH, asciiFoldName, cryptoRandom, generateCode, isWellFormedCode, normaliseCode, vanityCode,
} from '../../src/app/packages/domain/codes';
import { scriptedRandom, seededRandom } from './factories';

const bytesSource = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((pool) => {
  // Cycles through the pool so the generator never runs dry, however many bytes it rejects.
  let i = 0;
  return (n: number) => Uint8Array.from({ length: n }, () => pool[i++ % pool.length] ?? 0);
});

describe('generateCode', () => {
  it('has no look-alike characters in its alphabet', () => {
    for (const ch of '01ILOU') expect(CODE_ALPHABET).not.toContain(ch);
  });

  it('makes 8-character codes from the alphabet, for any random bytes', () => {
    fc.assert(fc.property(bytesSource.filter((r) => r(64).some((b) => b < 240)), (random) => {
      const code = generateCode(random);
      expect(code).toHaveLength(CODE_LENGTH);
      expect([...code].every((ch) => CODE_ALPHABET.includes(ch))).toBe(true);
      expect(normaliseCode(code.toLowerCase())).toBe(code);
    }));
  });

  it('is reproducible from a seeded source', () => {
    expect(generateCode(seededRandom(42))).toBe(generateCode(seededRandom(42)));
    expect(generateCode(seededRandom(42))).not.toBe(generateCode(seededRandom(43)));
  });

  it('discards bytes that would bias the alphabet', () => {
    // 240..255 are rejected; 0 → "2", 29 → "Z", 30 → "2" again.
    expect(generateCode(scriptedRandom([255, 240, 0, 29, 30, 1, 2, 3, 4, 5]))).toBe('2Z234567');
  });

  it('supports other lengths within bounds and rejects silly ones', () => {
    expect(generateCode(cryptoRandom, 12)).toHaveLength(12);
    expect(() => generateCode(cryptoRandom, 3)).toThrow(/Code length must be a whole number from 6 to 16, got 3/);
  });

  it('spreads characters roughly evenly', () => {
    const random = seededRandom(7);
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) for (const ch of generateCode(random)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const expected = (3000 * CODE_LENGTH) / CODE_ALPHABET.length;
    for (const ch of CODE_ALPHABET) expect(Math.abs((counts.get(ch) ?? 0) - expected) / expected).toBeLessThan(0.15);
  });
});

describe('vanityCode', () => {
  it.each([
    ['Anna', /^ANNA-[2-9A-HJKMNP-TV-Z]{4}$/],
    ['  zoë-élise ', /^ZOEELISE-.{4}$/],
    ['Bjørn Æsir', /^BJORNAESIR-.{4}$/],
    ['Maximilianus', /^MAXIMILIAN-.{4}$/],
    ["O'Brien", /^OBRIEN-.{4}$/],
  ])('turns %j into a readable code', (name, pattern) => {
    const code = vanityCode(name, seededRandom(1));
    expect(code).toMatch(pattern);
    expect(isWellFormedCode(code)).toBe(true);
  });

  it.each([['李'], [''], ['J'], [null]])('falls back to a random code for %j', (name) => {
    expect(vanityCode(name, seededRandom(1))).toBe(generateCode(seededRandom(1)));
  });

  it('always yields a well-formed code, whatever the name', () => {
    fc.assert(fc.property(fc.string(), bytesSource.filter((r) => r(64).some((b) => b < 240)), (name, random) => {
      expect(isWellFormedCode(vanityCode(name, random))).toBe(true);
    }));
  });

  it('folds names to plain letters', () => {
    expect(asciiFoldName('Ångström-Łukasz ß')).toBe('ANGSTROMLUKASZSS');
  });
});

describe('normaliseCode', () => {
  it.each([
    ['k7m3qx9d', 'K7M3QX9D'],
    ['  K7M3 QX9D ', 'K7M3QX9D'],
    ['anna-7k3q', 'ANNA-7K3Q'],
    ['Anna–7K3Q', 'ANNA-7K3Q'],
    ['ＡＮＮＡ-7K3Q', 'ANNA-7K3Q'],
  ])('reads %j as %j', (raw, code) => {
    expect(normaliseCode(raw)).toBe(code);
  });

  it.each([['K7M3QX9O'], ['K7M3QX1D'], ['ABC'], ['ANNA-7K3'], ['A-7K3Q'], ['ANNA7-7K3Q'], [''], ['K7M3QX9D/../x']])(
    'rejects %j', (raw) => {
      expect(normaliseCode(raw)).toBeNull();
      expect(isWellFormedCode(raw)).toBe(false);
    },
  );
});
