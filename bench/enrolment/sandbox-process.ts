/**
 * The sandbox portal for the enrolment benchmark, in its own process, with one addition:
 * `GET /bench/traffic` tells apart, per kind of call, the answers the portal's rate limiter refused
 * (429s the client caused by going too fast) from the failures injected on purpose (which any
 * client has to retry). `DELETE /bench/traffic` clears it.
 *
 * Settings come from the environment: SANDBOX_PORT, SANDBOX_ACCESS_TOKEN, SANDBOX_SCALE.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import express from 'express';
import { isSearchRequest } from '../../sandbox/http/rate-limiter';
import { createSandboxApp, listenSandbox } from '../../sandbox/server';

interface RequestNote { refusedBy?: string; injected?: number }
type Kind = 'search' | 'other';
interface Traffic { answered: number; refused: Record<string, number>; injected: Record<string, number> }
export type TrafficReport = Record<Kind, Traffic>;

const empty = (): TrafficReport => ({
  search: { answered: 0, refused: {}, injected: {} },
  other: { answered: 0, refused: {}, injected: {} },
});
const bump = (counts: Record<string, number>, key: string) => { counts[key] = (counts[key] ?? 0) + 1; };

async function main() {
  const sandbox = createSandboxApp({ accessToken: process.env.SANDBOX_ACCESS_TOKEN ?? 'bench-token', tier: 'professional', scale: Number(process.env.SANDBOX_SCALE ?? '1') });
  const notes = new AsyncLocalStorage<RequestNote>();
  // The limiter and the fault injector report to the request being answered.
  const admit = sandbox.rateLimiter.admit.bind(sandbox.rateLimiter);
  sandbox.rateLimiter.admit = (kind) => {
    const admission = admit(kind);
    const note = notes.getStore();
    if (!admission.allowed && note) note.refusedBy = admission.policy;
    return admission;
  };
  const next = sandbox.faults.next.bind(sandbox.faults);
  sandbox.faults.next = () => {
    const decision = next();
    const note = notes.getStore();
    if (decision.status !== undefined && note) note.injected = decision.status;
    return decision;
  };

  let traffic = empty();
  const outer = express();
  outer.get('/bench/traffic', (_req, res) => { res.json(traffic); });
  outer.delete('/bench/traffic', (_req, res) => { traffic = empty(); res.status(204).end(); });
  outer.use((req, res, nextHandler) => {
    if (req.path.startsWith('/sandbox')) return nextHandler();
    const note: RequestNote = {};
    const kind: Kind = isSearchRequest(req.method, req.path) ? 'search' : 'other';
    res.on('finish', () => {
      const t = traffic[kind];
      t.answered++;
      if (note.refusedBy) bump(t.refused, note.refusedBy);
      else if (note.injected !== undefined) bump(t.injected, String(note.injected));
    });
    notes.run(note, () => nextHandler());
  });
  outer.use(sandbox.app);
  await listenSandbox(outer, Number(process.env.SANDBOX_PORT ?? '0'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
