import { readFileSync } from 'node:fs';
import type pino from 'pino';
import { Portal } from './portal';
import { seedPortal } from './seed';
import { createSandboxApp, listenSandbox, type SandboxAppOptions } from './server';
import { WorkflowEngine, type CompletionRefusal } from './workflows/engine';
import type { RequestStats } from './http/stats';
import type { RetryPolicy } from './workflows/response-rules';
import { RealScheduler, type Scheduler } from './workflows/scheduler';
import type { WorkflowInput } from './workflows/workflow-definition';
import { workflowRoutes } from './workflows/routes';
import { WebhookSender, webhookRoutes } from './webhooks/webhook-sender';

export { signRequest, signedHeaders, signatureV1, signatureV2, signatureV3, v3SignedUrl, type SignatureScheme } from './signing';
export { WorkflowEngine, type Execution, type Attempt, type ActionPayload, type CompletionRefusal } from './workflows/engine';
export { WebhookSender, type WebhookDelivery, type WebhookEvent } from './webhooks/webhook-sender';
export { RealScheduler, VirtualScheduler, type Scheduler } from './workflows/scheduler';
export type { WorkflowInput, Workflow } from './workflows/workflow-definition';

export const DEFAULT_CLIENT_SECRET = 'sandbox-client-secret';

export interface StartSandboxOptions {
  /** 0 picks a free port (tests). */
  port?: number;
  accessToken?: string;
  /** The app's client secret the workflow engine signs action calls with. */
  clientSecret?: string;
  /** `${VAR}` values for hsmeta files (e.g. `SERVICE_URL`), like an hsprofile. */
  variables?: Record<string, string>;
  /** Deterministic CRM data, loaded before any workflow is registered so it enrols nobody. */
  seed?: Parameters<typeof seedPortal>[1];
  /** Workflows to register at start; `workflowsFile` is a JSON array of the same. */
  workflows?: WorkflowInput[];
  workflowsFile?: string;
  actionsDir?: string;
  portal?: Portal;
  scheduler?: Scheduler;
  retryPolicy?: Partial<RetryPolicy>;
  requestTimeoutMs?: number;
  /** Fault mode: callback completions refused until `forMs` after the BLOCK answer was recorded. */
  completionRefusal?: CompletionRefusal;
  /**
   * Send the project's webhooks (`src/app/webhooks/webhooks-hsmeta.json`, or `file`) for CRM changes
   * to its `targetUrl`. Off unless asked for: a test that writes deals should not get deliveries it
   * did not expect.
   */
  webhooks?: boolean | { file?: string };
  tier?: SandboxAppOptions['tier'];
  scale?: SandboxAppOptions['scale'];
  faults?: SandboxAppOptions['faults'];
  clock?: SandboxAppOptions['clock'];
  /** Search's indexing delay (see `createSandboxApp`); on by default. */
  indexingDelay?: SandboxAppOptions['indexingDelay'];
  logger?: Pick<pino.Logger, 'info' | 'warn'>;
}

export interface RunningSandbox {
  url: string;
  portal: Portal;
  engine: WorkflowEngine;
  /** Present when `webhooks` was asked for. */
  webhooks?: WebhookSender;
  scheduler: Scheduler;
  /** API calls answered, by endpoint and status: what a piece of work cost against the rate limits. */
  stats: RequestStats;
  close(): Promise<void>;
}

/** The CRM API and the workflow engine on one port, as one HubSpot portal. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const scheduler = options.scheduler ?? new RealScheduler();
  const portal = options.portal ?? new Portal(options.clock ? { clock: options.clock } : {});
  if (options.seed) seedPortal(portal, options.seed);

  const engine = new WorkflowEngine({
    portal,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    scheduler,
    variables: options.variables ?? {},
    ...(options.actionsDir !== undefined && { actionsDir: options.actionsDir }),
    ...(options.retryPolicy && { retryPolicy: options.retryPolicy }),
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.logger && { logger: options.logger }),
    ...(options.completionRefusal && { completionRefusal: options.completionRefusal }),
  });
  const workflows = [...(options.workflows ?? []), ...(options.workflowsFile ? readWorkflowsFile(options.workflowsFile) : [])];
  try {
    for (const workflow of workflows) engine.register(workflow);
  } catch (error) {
    engine.close();
    throw error;
  }

  let webhooks: WebhookSender | undefined;
  try {
    if (options.webhooks) {
      webhooks = new WebhookSender({
        portal,
        clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
        variables: options.variables ?? {},
        scheduler,
        portalId: engine.portalId,
        ...(typeof options.webhooks === 'object' && options.webhooks.file !== undefined && { file: options.webhooks.file }),
        ...(options.logger && { logger: options.logger }),
      });
    }
  } catch (error) {
    engine.close();
    throw error;
  }

  const { app, stats } = createSandboxApp({
    portal,
    ...(options.accessToken !== undefined && { accessToken: options.accessToken }),
    ...(options.tier !== undefined && { tier: options.tier }),
    ...(options.scale !== undefined && { scale: options.scale }),
    ...(options.faults !== undefined && { faults: options.faults }),
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.indexingDelay !== undefined && { indexingDelay: options.indexingDelay }),
    extensions: [workflowRoutes(engine), ...(webhooks ? [webhookRoutes(webhooks)] : [])],
  });
  const server = await listenSandbox(app, options.port ?? 0);
  return {
    url: server.url,
    portal,
    engine,
    ...(webhooks && { webhooks }),
    scheduler,
    stats,
    close: async () => {
      engine.close();
      webhooks?.close();
      await server.close();
    },
  };
}

function readWorkflowsFile(file: string): WorkflowInput[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file} must hold a JSON array of workflows`);
  // Each entry is validated by engine.register.
  return parsed as WorkflowInput[];
}
