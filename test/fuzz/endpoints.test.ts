import http from 'node:http';
import fc from 'fast-check';
import { sql } from 'kysely';
import { signedHeaders } from '../../sandbox';
import { REFERRAL_COOKIE } from '../../server/capture/cookie';
import { createApp } from '../../server/app';
import { ERROR_STATUS } from '../../server/errors';
import { dialects } from '../support/databases';
import { createProgram, startHarness, TEST_CLIENT_SECRET, type Harness } from '../support/harness';
import { createReferral } from '../support/ledger';
import { exactly, formEncode, hostileValue, nearly, printable, toJsonText, withOneHostile, type Shape } from './hostile-input';
import { listRoutes, type RouteInfo } from './routes';

/**
 * Every public and signed endpoint, fed random and hostile bodies, content types, headers, paths and
 * query strings (signed ones signed as HubSpot signs them, mostly). Whatever arrives:
 * - the service never answers 5xx;
 * - a refusal (4xx) writes no row to any table;
 * - a refusal is the documented `{"error":{"code","message","details"}}`, except the HTML pages that
 *   answer a browser (a page view, or a form posted from a page), which show the error to a person.
 *
 * Runs are bounded for CI; FUZZ_RUNS raises them, FUZZ_SEED replays a failure fast-check reported.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Runs per endpoint that takes a body, for the well-formed requests with one hostile field. */
const FIELD_RUNS = Number(process.env.FUZZ_FIELD_RUNS ?? 100);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const MINUTE = 60_000;

interface FuzzRequest {
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

function send(baseUrl: string, r: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const req = http.request(
      { host: url.hostname, port: url.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body !== undefined && { 'content-length': Buffer.byteLength(r.body) }) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

const callbackId = fc.integer({ min: 1, max: 1e9 }).map((n) => `ap-1-${n}-7-0`);
const digits = fc.integer({ min: 1, max: 1e7 }).map(String);

/**
 * Bodies shaped like each endpoint's real input: exactly (so requests reach the deepest code), with
 * one field hostile, or nearly, with many fields missing, hostile or unexpected.
 */
function bodyFor(route: RouteInfo, code: string, contactIds: string[]): fc.Arbitrary<unknown> {
  const exact = bodyShaped(route, code, contactIds, exactly);
  return fc.oneof({ weight: 1, arbitrary: exact }, { weight: 3, arbitrary: withOneHostile(exact) }, { weight: 1, arbitrary: bodyShaped(route, code, contactIds, nearly) });
}

function bodyShaped(route: RouteInfo, code: string, contactIds: string[], nearly: Shape): fc.Arbitrary<unknown> {
  const p = route.path;
  if (p.startsWith('/hubspot/actions/')) {
    return nearly({
      callbackId,
      origin: nearly({ portalId: fc.constant(1), actionDefinitionId: fc.constant(7), actionDefinitionVersion: fc.constant(1) }),
      context: nearly({ source: fc.constant('WORKFLOWS'), workflowId: fc.integer({ min: 1, max: 1e6 }) }),
      object: nearly({ objectId: fc.oneof(fc.constantFrom(...contactIds), digits), objectType: fc.constantFrom('CONTACT', 'CONTACT', 'contact', 'DEAL'), properties: fc.dictionary(printable(10), printable(20), { maxKeys: 3 }) }),
      inputFields: nearly({
        program: fc.constantFrom('spring', 'spring', 'spring', 'nope'),
        milestone_kind: fc.constantFrom('program_default', 'lifecycle_stage', 'deal_stage', 'contact_property'),
        lifecycle_stage: fc.constantFrom('customer', 'lead'),
        pipeline: fc.constant('default'),
        deal_stage: fc.constant('closedwon'),
        property_name: fc.constant('plan'),
        property_operator: fc.constantFrom('eq', 'is_set', 'gt', 'nope'),
        property_value: printable(10),
      }),
    });
  }
  if (p.startsWith('/hubspot/options/')) {
    return nearly({
      origin: nearly({ portalId: fc.constant(1) }),
      inputFieldName: fc.constantFrom('program', 'deal_stage'),
      inputFields: nearly({ pipeline: fc.constantFrom('default', 'x') }),
      fetchOptions: nearly({ q: printable(10), after: printable(10) }),
    });
  }
  if (p === '/hubspot/webhooks') {
    return fc.array(nearly({
      eventId: digits, subscriptionType: fc.constantFrom('object.propertyChange', 'deal.propertyChange'), objectId: digits,
      occurredAt: fc.integer({ min: 0, max: 2e12 }), objectTypeId: fc.constant('0-3'), propertyName: fc.constant('dealstage'),
      propertyValue: fc.constantFrom('closedwon', 'closedlost', 'appointmentscheduled'), attemptNumber: fc.nat(5),
    }), { maxLength: 3 });
  }
  if (p === '/api/referrals') {
    return fc.oneof(
      nearly({
        programId: fc.constantFrom('spring', 'nope'), email: fc.emailAddress(), firstname: printable(20), lastname: printable(20),
        code: fc.constantFrom(code, code.toLowerCase(), 'NOPE1234'), consent: fc.constantFrom(true, 'on', 'no'), website: fc.constantFrom('', 'bot.example'),
      }),
      nearly({
        fields: fc.array(nearly({ name: fc.constantFrom('email', 'firstname', 'referral_code', 'program'), value: fc.oneof(fc.emailAddress(), fc.constant(code), fc.constant('spring')) }), { maxLength: 4 }),
        context: nearly({ pageUri: fc.constantFrom(`https://x.example/?ref=${code}`, 'not a url'), hutk: printable(10) }),
      }),
    );
  }
  if (p === '/api/signups') {
    return nearly({
      programId: fc.constantFrom('spring', 'nope'), email: fc.emailAddress(), firstname: printable(20), lastname: printable(20),
      consent: fc.constantFrom(true, 'on', 'no'), website: fc.constantFrom('', 'bot.example'),
    });
  }
  return fc.oneof(fc.constant(undefined), hostileValue);
}

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=utf-16',
  'application/json; charset=latin1', 'application/vnd.api+json', 'text/plain', 'text/html',
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=koi8-r', 'multipart/form-data; boundary=x',
  'application/octet-stream', 'application/xml', '*/*', ';;', 'json',
];

/** A path segment: mostly a sensible value, sometimes junk or broken percent-encoding. */
function segment(name: string, code: string): fc.Arbitrary<string> {
  const sensible = name === 'code' ? fc.constantFrom(code, code.toLowerCase(), 'NOPE1234')
    : name === 'programId' || name === 'id' ? fc.constantFrom('spring', 'nope', 'demo')
      : digits;
  return fc.oneof(
    { weight: 3, arbitrary: sensible.map(encodeURIComponent) },
    { weight: 2, arbitrary: printable(80).filter((s) => s.length > 0).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2e%2e', '..', '%2F', 'a%20b', 'x'.repeat(3000)) },
  );
}

const queryString: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.array(fc.tuple(fc.oneof(printable(10), fc.constantFrom('ref', 'tz', 'from', 'to', 'program', 'status', '__proto__', 'ref[]', 'a[b]')), printable(30)), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  fc.constantFrom('ref=%', 'ref=%zz&ref=%E0%A4%A', 'ref=a&ref=b', '&&&', '=', 'a'.repeat(5000)),
).map((q) => (q ? `?${q}` : ''));

type Signing = 'v3' | 'v2-only' | 'none' | 'garbage' | 'stale';

function requestFor(baseUrl: string, routes: RouteInfo[], code: string, contactIds: string[], now: () => number): fc.Arbitrary<FuzzRequest> {
  // Routes that take a body have more to get wrong than page views: they get more of the runs.
  const route = fc.oneof(...routes.map((r) => ({ weight: r.method === 'GET' ? 1 : 3, arbitrary: fc.constant(r) })));
  return route.chain((route) => {
    const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const signed = route.path.startsWith('/hubspot/');
    return fc.record({
      route: fc.constant(route),
      segments: fc.tuple(...params.map((name) => segment(name, code))),
      query: queryString,
      // Mostly the route's method; sometimes another, which must be a clean 404 too.
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') }),
      body: fc.oneof(
        { weight: 6, arbitrary: bodyFor(route, code, contactIds).map((v) => ({ kind: 'json' as const, value: v })) },
        { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ kind: 'text' as const, value: text })) },
        { weight: 1, arbitrary: fc.oneof(printable(200), fc.constantFrom('', '{', '{"a":', '[1,2', 'null', '"x"', '\u0000', '{"__proto__":{"polluted":1}}')).map((text) => ({ kind: 'text' as const, value: text })) },
      ),
      form: fc.boolean(),
      contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('natural') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) }),
      signing: signed
        ? fc.oneof({ weight: 12, arbitrary: fc.constant<Signing>('v3') }, { weight: 1, arbitrary: fc.constantFrom<Signing>('v2-only', 'none', 'garbage', 'stale') })
        : fc.constant<Signing>('none'),
      extraHeaders: fc.record({
        'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), printable(40)),
        cookie: fc.oneof(fc.constant(`${REFERRAL_COOKIE}=${code}`), printable(60).map((v) => `${REFERRAL_COOKIE}=${v}`), printable(60)),
        'accept-language': printable(30),
        authorization: fc.oneof(printable(40), fc.constant('Bearer nope')),
      }, { requiredKeys: [] }),
    }).map((g) => {
      let i = 0;
      const path = route.path.replace(/:(\w+)/g, () => g.segments[i++]!) + g.query;
      const form = g.form && !signed;
      const body = g.method === 'GET' ? undefined
        : g.body.kind === 'text' ? g.body.value
          : g.body.value === undefined ? undefined
            : form ? formEncode(g.body.value) : toJsonText(g.body.value);
      const natural = form ? 'application/x-www-form-urlencoded' : 'application/json';
      const contentType = body === undefined ? undefined : g.contentType === 'natural' ? natural : g.contentType;
      const headers: Record<string, string> = { ...g.extraHeaders, ...(contentType && { 'content-type': contentType }) };
      if (g.signing !== 'none') {
        const stamp = g.signing === 'stale' ? now() - 6 * MINUTE : now();
        const signed = { clientSecret: TEST_CLIENT_SECRET, method: g.method, url: baseUrl + path, body: body ?? '', timestamp: stamp };
        Object.assign(headers, signedHeaders(signed, g.signing === 'v2-only' ? 'v2' : 'v3'), g.signing === 'garbage' && { 'X-HubSpot-Signature-v3': 'AAAA' });
      }
      return { route: `${route.method} ${route.path}`, method: g.method, path, headers, body };
    });
  });
}


/** What a refusal may look like: the documented JSON error, or a page for a person in a browser. */
function refusalProblem(r: FuzzRequest, a: Answer): string | undefined {
  if (a.contentType.startsWith('text/html')) {
    const browser = r.method === 'GET' || /^application\/x-www-form-urlencoded/i.test(r.headers['content-type'] ?? '');
    return browser ? undefined : 'an HTML page answered a request that did not come from a page';
  }
  if (!a.contentType.startsWith('application/json')) return `a ${a.contentType || 'typeless'} body instead of the JSON error`;
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    return 'the error body is not JSON';
  }
  const error = (body as { error?: Record<string, unknown> })?.error;
  if (!error || Object.keys(body as object).length !== 1) return 'the body is not {"error":{…}}';
  if (typeof error.code !== 'string' || !(error.code in ERROR_STATUS)) return `unknown error code ${String(error.code)}`;
  if (ERROR_STATUS[error.code as keyof typeof ERROR_STATUS] !== a.status) return `code ${error.code} with status ${a.status}`;
  if (typeof error.message !== 'string' || error.message.trim() === '') return 'the error has no message';
  if (!('details' in error)) return 'the error has no details';
  return undefined;
}

describe.each(dialects)('every public and signed endpoint under hostile input on %s', (dialect) => {
  let h: Harness;
  let now = Date.UTC(2026, 10, 2, 9);
  let routes: RouteInfo[];
  let code: string;
  let contactIds: string[];
  let rowCounts: () => Promise<Record<string, number>>;

  beforeAll(async () => {
    h = await startHarness({ dialect, clock: () => now });
    await createProgram(h, { enrolment: { paths: ['hubspot', 'signup'] } });
    const referral = await createReferral(h);
    contactIds = [referral.referrerId, referral.friendId];
    code = (await h.database.db.selectFrom('enrolments').select('code').where('contact_id', '=', referral.referrerId).executeTakeFirstOrThrow()).code;
    // Read from the app, so an endpoint added later is fuzzed too; the admin API is covered by its own tests.
    routes = listRoutes(createApp(h.service.ctx)).filter((r) => !r.path.startsWith('/api/') || r.path === '/api/referrals' || r.path === '/api/signups');
    // A refused request still counts toward its client's rate limit (on PostgreSQL a counter row): that
    // is the limit working, not input written.
    const tables = (await h.database.db.introspection.getTables()).map((t) => t.name).filter((t) => t !== 'rate_limit_windows').sort();
    rowCounts = async () => {
      const row = await sql<Record<string, string | number>>`select ${sql.join(tables.map((t) => sql`(select count(*) from ${sql.table(t)}) as ${sql.ref(t)}`))}`
        .execute(h.database.db);
      return Object.fromEntries(Object.entries(row.rows[0]!).map(([k, v]) => [k, Number(v)]));
    };
  });
  afterAll(() => h.close());

  /** The three promises, checked on one request. */
  async function check(r: FuzzRequest): Promise<void> {
    // A minute apart: the per-client limits start afresh, so requests reach the handlers.
    now += MINUTE + 1;
    const before = await rowCounts();
    const answer = await send(h.url, r);
    const context = { request: { ...r, body: r.body?.slice(0, 300) }, status: answer.status, answer: answer.text.slice(0, 300) };
    expect({ ...context, serverError: answer.status >= 500 }).toEqual({ ...context, serverError: false });
    if (answer.status >= 400) {
      expect({ ...context, problem: refusalProblem(r, answer) }).toEqual({ ...context, problem: undefined });
      expect({ ...context, rows: await rowCounts() }).toEqual({ ...context, rows: before });
    }
  }
  const options = (numRuns: number) => ({ numRuns, ...(SEED !== undefined && { seed: SEED }), endOnFailure: true });

  it('never answers 5xx, refuses in the documented shape and writes nothing it refused', async () => {
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/r/:code', '/api/referrals', '/api/signups', '/hubspot/actions/qualify-referral', '/hubspot/webhooks']));
    await fc.assert(fc.asyncProperty(requestFor(h.url, routes, code, contactIds, () => now), check), options(RUNS));
  }, 120_000);

  it('holds for well-formed requests to every endpoint that takes a body, with any one field hostile', async () => {
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      const requests = withOneHostile(bodyShaped(route, code, contactIds, exactly), { leavesOnly: true }).map((value): FuzzRequest => {
        const body = toJsonText(value);
        const stamp = now + MINUTE + 1;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (route.path.startsWith('/hubspot/')) {
          Object.assign(headers, signedHeaders({ clientSecret: TEST_CLIENT_SECRET, method: route.method, url: h.url + route.path, body, timestamp: stamp }, 'v3'));
        }
        return { route: `${route.method} ${route.path}`, method: route.method, path: route.path, headers, body };
      });
      await fc.assert(fc.asyncProperty(requests, check), options(FIELD_RUNS));
    }
  }, 120_000);
});
