import fc from 'fast-check';
import { emailDomain, normaliseEmail } from '../../src/app/packages/domain/email';

function normalised(raw: string): string {
  const result = normaliseEmail(raw);
  if (!result.ok) throw new Error(result.message);
  return result.normalised;
}

describe('normaliseEmail', () => {
  it.each([
    ['  Anna@Example.COM ', 'anna@example.com'],
    ['a.n.n.a+promo@gmail.com', 'anna@gmail.com'],
    ['Anna.Smith@GoogleMail.com', 'annasmith@gmail.com'],
    ['anna+news@outlook.com', 'anna@outlook.com'],
    ['anna.smith+x@icloud.com', 'anna.smith@icloud.com'],
    ['anna+x@proton.me', 'anna@proton.me'],
    ['anna+x@example.com', 'anna+x@example.com'],
    ['anna.smith@hotmail.com', 'anna.smith@hotmail.com'],
    ['anna-shop@yahoo.com', 'anna-shop@yahoo.com'],
    ['+only@gmail.com', '+only@gmail.com'], // no mailbox name would be left
    ['a.+0@outlook.com', 'a.+0@outlook.com'], // "a." is not a valid mailbox name
    ['josé@exämple.de', 'josé@exämple.de'],
  ])('normalises %j to %j', (raw, expected) => {
    expect(normalised(raw)).toBe(expected);
  });

  it('keeps the address as typed, trimmed, for sending', () => {
    expect(normaliseEmail('  A.Nna+x@Gmail.com\n')).toEqual({ ok: true, email: 'A.Nna+x@Gmail.com', normalised: 'anna@gmail.com' });
  });

  it.each([
    ['', 'empty', /Enter an email/],
    ['anna example.com', 'whitespace', /contains a space/],
    ['anna.example.com', 'missing_at', /missing the @/],
    ['anna@@example.com', 'multiple_at', /more than one @/],
    ['.anna@example.com', 'invalid_local_part', /before the @/],
    ['an..na@example.com', 'invalid_local_part', /double dots/],
    ['"anna"@example.com', 'invalid_local_part', /quotes/],
    ['anna@example', 'invalid_domain', /"example" after the @/],
    ['anna@', 'invalid_domain', /\(nothing\)/],
    ['anna@-example.com', 'invalid_domain', /not an email domain/],
    ['anna@example.c0m', 'invalid_domain', /not an email domain/],
    [`${'a'.repeat(250)}@example.com`, 'too_long', /too long/],
  ])('rejects %j (%s)', (raw, code, message) => {
    const result = normaliseEmail(raw);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.message).toMatch(message);
  });

  const localPart = fc.stringMatching(/^[a-z0-9](?:[a-z0-9._+-]{0,20}[a-z0-9])?$/).filter((s) => !s.includes('..'));
  const domain = fc.constantFrom('gmail.com', 'googlemail.com', 'outlook.com', 'icloud.com', 'example.com', 'mail.example.org');
  const address = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);

  it('is idempotent: a normalised address normalises to itself', () => {
    fc.assert(fc.property(address, (email) => {
      const once = normalised(email);
      expect(normalised(once)).toBe(once);
    }));
  });

  it('ignores case and surrounding space', () => {
    fc.assert(fc.property(address, fc.boolean(), (email, upper) => {
      const variant = `  ${upper ? email.toUpperCase() : email.replace(/^./, (c) => c.toUpperCase())}\t`;
      expect(normalised(variant)).toBe(normalised(email));
    }));
  });

  it('treats Gmail dot and +tag variants as one mailbox', () => {
    const plain = fc.stringMatching(/^[a-z0-9]{2,15}$/);
    fc.assert(fc.property(plain, fc.array(fc.nat(), { maxLength: 3 }), fc.stringMatching(/^[a-z0-9]{0,8}$/), (name, dots, tag) => {
      const chars = [...name];
      for (const at of dots) chars.splice(1 + (at % (chars.length - 1)), 0, '.');
      const dotted = chars.join('').replace(/\.{2,}/g, '.');
      expect(normalised(`${dotted}+${tag}@googlemail.com`)).toBe(`${name}@gmail.com`);
    }));
  });

  it('never throws, and a valid result is a single-@ address', () => {
    fc.assert(fc.property(fc.string(), (raw) => {
      const result = normaliseEmail(raw);
      if (result.ok) expect(result.normalised.split('@')).toHaveLength(2);
    }));
  });
});

describe('emailDomain', () => {
  it('returns the part after the @', () => {
    expect(emailDomain('anna@example.com')).toBe('example.com');
  });
});
