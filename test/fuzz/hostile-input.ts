import fc from 'fast-check';

/**
 * Values an attacker, a broken client or a proxy might put anywhere a field is expected: other JSON
 * types, objects whose toString is not a function, control characters, huge and deeply nested values.
 */

/** Printable ASCII: what HTTP lets a header value or a raw path segment carry. */
export const printable = (maxLength = 40) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/**
 * A marker replaced, after JSON.stringify, by a value nested `depth` levels deep: the body is built as
 * text because the test's own JSON.stringify would run out of stack on it.
 */
const DEEP = '\u0001deep:';
export const deep = (depth: number) => `${DEEP}${depth}`;

export function toJsonText(value: unknown): string {
  // JSON.stringify writes the marker's control character as the escape \u0001.
  return JSON.stringify(value).replace(/"\\u0001deep:(\d+)"/g, (_m, n: string) => {
    const depth = Number(n);
    return '{"a":'.repeat(depth) + '"x"' + '}'.repeat(depth);
  });
}

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  // Another JSON type than the one expected.
  fc.jsonValue({ maxDepth: 3 }),
  // Objects that break String(), templates and comparisons, or try to reach a prototype.
  fc.constantFrom<unknown>({ toString: 1 }, { valueOf: 1, toString: null }, { ['__proto__']: { polluted: true } }, { constructor: { prototype: { polluted: true } } }, [], ['spring', 'spring']),
  fc.constantFrom<unknown>('', ' ', '\u0000', 'a\u0000b', '\ud800', '../../etc/passwd', '%00', 'x'.repeat(5000), '<script>alert(1)</script>'),
  fc.constantFrom<unknown>(1e308, -1, 0.5, -0, Number.MAX_SAFE_INTEGER + 2, true, null),
  fc.integer({ min: 20, max: 20_000 }).map(deep),
  printable(300),
);

/**
 * A valid value with exactly one field, at any depth, replaced by a hostile value (or removed): the
 * input that reaches furthest into the code before the hostile part is met.
 */
export function withOneHostile(valid: fc.Arbitrary<unknown>, opts: { leavesOnly?: boolean } = {}): fc.Arbitrary<unknown> {
  const remove = opts.leavesOnly ? fc.constant(false) : fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
  return fc.tuple(valid, fc.nat(), hostileValue, remove).map(([value, pick, hostile, remove]) => {
    const copy = structuredClone(value);
    const slots: Array<[Record<string, unknown> | unknown[], string]> = [];
    const pending: unknown[] = [copy];
    while (pending.length > 0) {
      const node = pending.pop();
      if (node === null || typeof node !== 'object') continue;
      for (const [k, v] of Object.entries(node)) {
        if (!opts.leavesOnly || v === null || typeof v !== 'object') slots.push([node as Record<string, unknown>, k]);
        pending.push(v);
      }
    }
    if (slots.length === 0) return hostile;
    const [parent, key] = slots[pick % slots.length]!;
    if (remove && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key];
    else (parent as Record<string, unknown>)[key] = hostile;
    return copy;
  });
}

/** A valid value most of the time, a hostile one otherwise: input that gets past the first checks. */
export const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });

const ABSENT = Symbol('absent');

export type Shape = (shape: Record<string, fc.Arbitrary<unknown>>) => fc.Arbitrary<Record<string, unknown>>;

/** An object exactly as the endpoint expects it. */
export const exactly: Shape = (shape) => fc.record(shape);

/** An object whose keys are each usually valid, sometimes hostile or missing, plus unexpected keys. */
export const nearly: Shape = (shape) => {
  const fields = Object.fromEntries(
    Object.entries(shape).map(([k, v]) => [k, fc.oneof({ weight: 12, arbitrary: mostly(v) }, { weight: 1, arbitrary: fc.constant(ABSENT) })]),
  );
  return fc
    .tuple(fc.record(fields), fc.dictionary(printable(12), hostileValue, { maxKeys: 2 }))
    .map(([known, extra]) => ({ ...extra, ...Object.fromEntries(Object.entries(known).filter(([, v]) => v !== ABSENT)) }));
};

/** Percent-encoding as a browser does it: a lone surrogate becomes U+FFFD instead of an exception. */
const percent = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

export function formEncode(value: unknown): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return percent(String(value));
  return Object.entries(value)
    .map(([k, v]) => `${percent(k)}=${percent(typeof v === 'string' ? v : toJsonText(v))}`)
    .join('&');
}
