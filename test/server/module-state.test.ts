import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * State that lives as long as a service belongs on its `AppContext` (server/context.ts), so two
 * services in one process (tests, a CLI beside a server) never share a limiter, a cache or a queue
 * of waiting deliveries. This finds module-level collections and `let`s in server/; the few left
 * are listed with why they may stay.
 */
const ALLOWED: Record<string, string> = {
  'server/config.ts NAMED_RANGES': 'a constant set, never changed',
  'server/signup/signup-pages.ts FIELD_IDS': 'a constant set, never changed',
  'server/privacy/scrub.ts CONTACT_TYPES': 'a constant set, never changed',
  'server/programs/repository.ts parsedByConfig': "a bounded memo of a pure parse, keyed by the stored text: the same in every context",
  'server/reports/time-buckets.ts formatters': 'a memo of Intl formatters by time zone: the same in every context',
  'server/http/window-counters.ts shared': 'per database, not per context; its callers (capture, sign-up) take it from ctx.database',
};

const SERVER = path.join(__dirname, '../../server');
const MODULE_STATE = /^(?:export )?(?:let (\w+)|const (\w+)(?::[^=]+)? = new (?:Map|WeakMap|Set|WeakSet)\b)/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

it('keeps per-service state on the context, not in module-level variables of server/', () => {
  const found = sourceFiles(SERVER).flatMap((file) => {
    const relative = path.relative(path.join(SERVER, '..'), file).split(path.sep).join('/');
    return [...readFileSync(file, 'utf8').matchAll(MODULE_STATE)].map((m) => `${relative} ${m[1] ?? m[2]}`);
  });
  expect(found.filter((name) => !(name in ALLOWED))).toEqual([]);
  // An entry whose variable is gone is removed from the list, so the list stays the truth.
  expect(Object.keys(ALLOWED).filter((name) => !found.includes(name))).toEqual([]);
});
