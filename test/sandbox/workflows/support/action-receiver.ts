import express from 'express';
import type { AddressInfo } from 'node:net';

/** A stand-in for the service's actionUrl: records every call raw (for signature checks) and answers as told. */
export interface ReceivedCall {
  method: string;
  /** The full URL called, as HubSpot signs it. */
  url: string;
  headers: Record<string, string>;
  rawBody: string;
  body: {
    callbackId: string;
    origin: { portalId: number; actionDefinitionId: number; actionDefinitionVersion: number };
    context: { source: string; workflowId: number };
    object: { objectId: number; objectType: string; properties: Record<string, string> };
    inputFields: Record<string, string>;
  };
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Runs before the answer is sent, e.g. to call the sandbox while HubSpot still waits for it. */
  before?: (call: ReceivedCall) => Promise<void>;
}

export interface ActionReceiver {
  /** Base URL to use as `${SERVICE_URL}`. */
  baseUrl: string;
  calls: ReceivedCall[];
  /** Answers calls in order; the last reply repeats. Default: 200 SUCCESS. */
  replyWith(...replies: Reply[]): void;
  close(): Promise<void>;
}

export const buildReply = (overrides: Reply = {}): Reply => ({
  status: 200,
  body: { outputFields: { hs_execution_state: 'SUCCESS' } },
  ...overrides,
});

export async function startActionReceiver(): Promise<ActionReceiver> {
  const calls: ReceivedCall[] = [];
  let replies: Reply[] = [buildReply()];
  const app = express();
  app.use(express.raw({ type: '*/*' }));
  app.all('/{*path}', async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const call: ReceivedCall = {
      method: req.method,
      url: `http://${req.headers.host}${req.originalUrl}`,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
      rawBody,
      body: JSON.parse(rawBody) as ReceivedCall['body'],
    };
    calls.push(call);
    const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
    await reply.before?.(call);
    res.status(reply.status ?? 200).set(reply.headers ?? {});
    if (reply.body === undefined) res.end();
    else if (typeof reply.body === 'string') res.send(reply.body);
    else res.json(reply.body);
  });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    replyWith: (...next) => {
      replies = next.length > 0 ? next : [buildReply()];
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; drop them so close() does not wait for their idle timeout.
        server.closeAllConnections();
      }),
  };
}
