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
  /**
   * optionsUrl requests (bodies with `inputFieldName`), kept apart from action calls. Answered by
   * `answerOptions`, by default with the value the workflow already chose (so any choice is offered).
   */
  optionsCalls: Array<{ url: string; headers: Record<string, string>; body: Record<string, unknown> }>;
  answerOptions(handler: (body: Record<string, unknown>) => Reply): void;
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
  const optionsCalls: ActionReceiver['optionsCalls'] = [];
  let optionsHandler = echoChosenValue;
  let replies: Reply[] = [buildReply()];
  const app = express();
  app.use(express.raw({ type: '*/*' }));
  app.all('/{*path}', async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const parsed = JSON.parse(rawBody) as Record<string, unknown>;
    if ('inputFieldName' in parsed) {
      optionsCalls.push({ url: `http://${req.headers.host}${req.originalUrl}`, headers, body: parsed });
      const reply = optionsHandler(parsed);
      res.status(reply.status ?? 200).json(reply.body);
      return;
    }
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
    optionsCalls,
    answerOptions: (handler) => {
      optionsHandler = handler;
    },
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

function echoChosenValue(body: Record<string, unknown>): Reply {
  const fields = body.inputFields as Record<string, { value?: string }>;
  const chosen = fields[String(body.inputFieldName)]?.value;
  return { body: { options: chosen === undefined ? [] : [{ label: chosen, value: chosen }] } };
}
