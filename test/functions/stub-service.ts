import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/**
 * A stand-in for the reward service's admin API (docs/service-api.md) and HubSpot's contacts batch
 * read, on a real local port so the functions' HTTP code runs for real. Answers are set per test.
 */
export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
  actor: string | undefined;
}

export type Reply = { status: number; body: unknown };

export async function startStubService(adminKey: string) {
  const requests: Recorded[] = [];
  const replies = new Map<string, Reply>();
  const app = express();
  app.use(express.json());
  app.use((req, res) => {
    requests.push({ method: req.method, path: req.path, body: req.body, authorization: req.get('authorization'), actor: req.get('x-referral-ops-actor') });
    const isHubSpot = req.path.startsWith('/crm/');
    if (!isHubSpot && req.get('authorization') !== `Bearer ${adminKey}`) {
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'Missing or wrong admin key', details: null } });
      return;
    }
    const reply = replies.get(`${req.method} ${req.path}`);
    if (!reply) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${req.path}`, details: null } });
      return;
    }
    res.status(reply.status).json(reply.body);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    reply(route: string, status: number, body: unknown) {
      replies.set(route, { status, body });
    },
    reset() {
      requests.length = 0;
      replies.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
