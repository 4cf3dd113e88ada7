import path from 'node:path';
import pino from 'pino';
import { notFound, validationError } from '../crm/errors';
import type { PortalChange } from '../portal';
import { findActionFile, loadActionDefinition } from './action-definition';
import { postSigned } from './delivery';
import { checkOptionsUrlFields, type OptionsFetch } from './options-fetch';
import {
  HUBSPOT_RETRY_POLICY,
  backoffDelay,
  decideAttempt,
  type AttemptDecision,
  type ExecutionState,
  type RetryPolicy,
} from './response-rules';
import { RealScheduler, type Scheduler } from './scheduler';
import {
  actionObjectType,
  parseWorkflowInput,
  resolveActOn,
  resolveInputFields,
  validateInputFields,
  WorkflowDefinitionError,
  type InputValue,
  type Workflow,
  type WorkflowInput,
} from './workflow-definition';

/** What the engine needs from the portal (the CRM side's `Portal` satisfies it). */
export interface WorkflowPortal {
  on(event: 'change', listener: (change: PortalChange) => void): unknown;
  off(event: 'change', listener: (change: PortalChange) => void): unknown;
  get(objectType: string, id: string): { id: string; properties: Record<string, string | null | undefined> } | undefined;
  associatedIds(fromType: string, fromId: string, toType: string): string[];
  readonly portalId?: number;
  /** When present, triggers on properties the portal does not have are refused. */
  propertyDefinition?(objectType: string, name: string): unknown;
}

export type ExecutionStatus = 'RUNNING' | 'RETRY_SCHEDULED' | 'BLOCKED' | 'SUCCEEDED' | 'FAILED';
/** What ended an execution: the action's answer, the end of the retry window, a callback completion or the BLOCK expiry. */
export type FinishedBy = 'response' | 'retries-exhausted' | 'callback' | 'expiration';

export interface Attempt {
  number: number;
  at: string;
  request: { method: 'POST'; url: string; headers: Record<string, string>; body: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  /** Why no HTTP answer arrived (connection refused, timeout). */
  error?: string;
  decision: AttemptDecision['kind'];
  /** A duplicate sent by `redeliver`: recorded, but its answer did not change the execution. */
  redelivery?: true;
  /** Why the attempt was retried or failed. */
  reason?: string;
}

export interface Execution {
  callbackId: string;
  workflowId: number;
  /** The record the action ran on, as HubSpot names it in the payload. */
  object: { objectType: string; objectId: string };
  /** The record that met the trigger (a deal, when the action runs on its contacts). */
  enrolledRecord: { objectType: string; objectId: string };
  status: ExecutionStatus;
  /** SUCCESS or FAIL_CONTINUE once finished. */
  executionState?: ExecutionState;
  finishedBy?: FinishedBy;
  error?: string;
  /** The last output fields: from the answer, or from the callback completion. */
  outputFields: Record<string, string>;
  /** What HubSpot POSTs on every attempt (the same callbackId each time). */
  payload: ActionPayload;
  attempts: Attempt[];
  startedAt: string;
  /** When the BLOCK answer was recorded. */
  blockedAt?: string;
  nextAttemptAt?: string;
  expiresAt?: string;
  finishedAt?: string;
}

export interface ActionPayload {
  callbackId: string;
  origin: { portalId: number; actionDefinitionId: number; actionDefinitionVersion: number };
  context: { source: 'WORKFLOWS'; workflowId: number };
  object: { objectId: number; objectType: string; properties: Record<string, string> };
  inputFields: Record<string, string>;
}

export interface WorkflowEngineOptions {
  portal: WorkflowPortal;
  /** The app's client secret: every call is signed with it. */
  clientSecret: string;
  scheduler?: Scheduler;
  /** `${VAR}` values for hsmeta files, like an hsprofile's `variables`. */
  variables?: Record<string, string>;
  /** Where `action.uid` is looked up; defaults to the project's `src/app/workflow-actions`. */
  actionsDir?: string;
  portalId?: number;
  requestTimeoutMs?: number;
  retryPolicy?: Partial<RetryPolicy>;
  logger?: Pick<pino.Logger, 'info' | 'warn'>;
  /** Fault mode: completions refused until a while after the BLOCK answer was recorded (off by default). */
  completionRefusal?: CompletionRefusal;
}

/**
 * Whether HubSpot accepts a completion before it has recorded the action's BLOCK answer, and how
 * long recording takes, is undocumented. With this set, a completion is refused with `status`
 * while the call is in flight or a retry is pending, and for `forMs` after the BLOCK was recorded.
 */
export interface CompletionRefusal {
  forMs: number;
  status: 400 | 404;
}

export const DEFAULT_ACTIONS_DIR = path.resolve(__dirname, '../../src/app/workflow-actions');
export const DEFAULT_PORTAL_ID = 90_000_001;

const FINAL: ReadonlySet<ExecutionStatus> = new Set(['SUCCEEDED', 'FAILED']);

interface Run {
  execution: Execution;
  workflow: Workflow;
  firstAttemptAt: number;
  /** When the BLOCK answer was recorded (what the completion refusal fault counts from). */
  blockedAt?: number;
  cancelTimer?: () => void;
}

/**
 * HubSpot's workflow engine, reduced to what a custom action sees: records meeting a trigger are enrolled,
 * the action's `actionUrl` is called signed, and the answer is handled by HubSpot's rules (retries,
 * BLOCK until a callback completes it or it expires). Every attempt is kept for inspection.
 */
export class WorkflowEngine {
  private readonly portal: WorkflowPortal;
  private readonly scheduler: Scheduler;
  private readonly retryPolicy: RetryPolicy;
  private readonly logger: Pick<pino.Logger, 'info' | 'warn'>;
  private readonly workflowsById = new Map<number, Workflow>();
  private readonly runs = new Map<string, Run>();
  private readonly enrolled = new Set<string>();
  private readonly actionIds = new Map<string, number>();
  private readonly fetchedOptions = new Map<number, OptionsFetch[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private refusal: CompletionRefusal | undefined;
  private nextWorkflowId = 1;
  private nextExecution = 1;
  /**
   * Enrols after the portal's write has finished (a record created with associations emits its change before
   * they are stored), and never inside it: a problem here must not fail the CRM request that caused it.
   */
  private readonly onChange = (change: PortalChange) => {
    void this.track(
      Promise.resolve().then(() => {
        try {
          this.enrol(change);
        } catch (error) {
          this.logger.warn({ err: error, change: { objectType: change.objectType, objectId: change.objectId } }, 'enrolment failed');
        }
      }),
    );
  };

  constructor(private readonly options: WorkflowEngineOptions) {
    this.portal = options.portal;
    this.scheduler = options.scheduler ?? new RealScheduler();
    this.retryPolicy = { ...HUBSPOT_RETRY_POLICY, ...options.retryPolicy };
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.refusal = options.completionRefusal;
    this.portal.on('change', this.onChange);
  }

  get portalId(): number {
    return this.options.portalId ?? this.portal.portalId ?? DEFAULT_PORTAL_ID;
  }

  /**
   * Registers a workflow. The input is validated here (it may come straight from an HTTP body); throws
   * WorkflowDefinitionError / ActionDefinitionError naming what is wrong.
   */
  register(input: WorkflowInput): Workflow {
    return this.store(this.prepare(input));
  }

  /**
   * Registers a workflow as a user defines it in HubSpot's editor: also fetches the options of every
   * `optionsUrl` field from the service, and refuses static values the service does not offer
   * (options-fetch.ts). `POST /sandbox/workflows` uses this; `register` skips it, for workflows set up
   * before the service listens.
   */
  async define(input: WorkflowInput): Promise<Workflow> {
    const workflow = this.prepare(input);
    const { problems, fetches } = await checkOptionsUrlFields(workflow, {
      clientSecret: this.options.clientSecret,
      portalId: this.portalId,
      now: this.scheduler.now(),
      timeoutMs: this.options.requestTimeoutMs ?? 20_000,
    });
    this.fetchedOptions.set(workflow.id, fetches);
    if (problems.length > 0) throw new WorkflowDefinitionError(problems.join('; '), problems);
    return this.store(workflow);
  }

  /** The options requests made when a workflow was defined, with their answers. */
  optionsFetches(workflowId: number): OptionsFetch[] {
    return structuredClone(this.fetchedOptions.get(workflowId) ?? []);
  }

  private prepare(input: WorkflowInput): Workflow {
    const parsed = parseWorkflowInput(input);
    const { objectType, property } = parsed.trigger;
    if (this.portal.propertyDefinition && !this.portal.propertyDefinition(objectType, property)) {
      throw new WorkflowDefinitionError(`trigger.property: ${objectType} have no property "${property}"`);
    }
    const variables = { ...this.options.variables, ...parsed.action.variables };
    const file = parsed.action.file ?? findActionFile(this.options.actionsDir ?? DEFAULT_ACTIONS_DIR, parsed.action.uid ?? '');
    const action = loadActionDefinition(file, variables);
    const actOn = resolveActOn(parsed, action);
    const inputFields: Record<string, InputValue> = parsed.inputFields;
    validateInputFields(inputFields, action);

    const actionKey = `${action.uid}@${action.source}`;
    if (!this.actionIds.has(actionKey)) this.actionIds.set(actionKey, 1000 + this.actionIds.size + 1);
    const workflow: Workflow = {
      id: this.nextWorkflowId++,
      name: parsed.name,
      trigger: parsed.trigger,
      actOn,
      reenroll: parsed.reenroll,
      inputFields,
      action: { ...action, actionDefinitionId: this.actionIds.get(actionKey)!, actionDefinitionVersion: 1 },
    };
    return workflow;
  }

  private store(workflow: Workflow): Workflow {
    this.workflowsById.set(workflow.id, workflow);
    this.logger.info(
      { workflowId: workflow.id, trigger: workflow.trigger, action: workflow.action.uid, actionUrl: workflow.action.config.actionUrl },
      'workflow registered',
    );
    return workflow;
  }

  workflows(): Workflow[] {
    return [...this.workflowsById.values()];
  }

  workflow(id: number): Workflow | undefined {
    return this.workflowsById.get(id);
  }

  /** Removes a workflow; its unfinished executions stop where they are. */
  remove(id: number): boolean {
    for (const run of this.runs.values()) {
      if (run.workflow.id === id) run.cancelTimer?.();
    }
    return this.workflowsById.delete(id);
  }

  /** Executions, oldest first, of one workflow or of all. Copies: callers cannot change engine state. */
  executions(workflowId?: number): Execution[] {
    return [...this.runs.values()]
      .filter((run) => workflowId === undefined || run.workflow.id === workflowId)
      .map((run) => structuredClone(run.execution));
  }

  execution(callbackId: string): Execution | undefined {
    const run = this.runs.get(callbackId);
    return run && structuredClone(run.execution);
  }

  /** Resolves once no action call is in flight (what a test awaits after a CRM write). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** The completion refusal fault mode; undefined (or `forMs` 0) turns it off. */
  setCompletionRefusal(refusal: CompletionRefusal | undefined): void {
    this.refusal = refusal && refusal.forMs > 0 ? { ...refusal } : undefined;
  }

  completionRefusal(): CompletionRefusal | undefined {
    return this.refusal && { ...this.refusal };
  }

  /**
   * `POST /automation/v4/actions/callbacks/{callbackId}/complete`. Throws HubSpotError (404 unknown callback,
   * 400 finished one). Without the completion refusal fault, accepted while an attempt is still pending too.
   */
  complete(callbackId: string, outputFields: Record<string, string>): void {
    this.checkCompletion(callbackId, outputFields);
    this.finishByCallback(callbackId, outputFields);
  }

  /** Batch completion: all inputs are checked first, so a bad one completes none. */
  completeBatch(inputs: Array<{ callbackId: string; outputFields: Record<string, string> }>): void {
    const seen = new Set<string>();
    for (const input of inputs) {
      if (seen.has(input.callbackId)) {
        throw validationError(`callbackId ${input.callbackId} appears more than once in the batch`);
      }
      seen.add(input.callbackId);
      this.checkCompletion(input.callbackId, input.outputFields);
    }
    for (const input of inputs) this.finishByCallback(input.callbackId, input.outputFields);
  }

  /**
   * Sends an execution's payload again, as HubSpot may (the same callbackId, also concurrently), and records
   * the attempt without letting its answer change the execution: for testing that the receiver is idempotent.
   */
  async redeliver(callbackId: string): Promise<Attempt> {
    const run = this.runs.get(callbackId);
    if (!run) throw notFound(`No execution with callbackId ${callbackId}`);
    const delivery = this.call(run, this.scheduler.now(), true);
    await this.track(delivery.then(() => undefined));
    return structuredClone((await delivery).attempt);
  }

  /** Stops listening and cancels every pending retry and expiry. */
  close(): void {
    this.portal.off('change', this.onChange);
    for (const run of this.runs.values()) run.cancelTimer?.();
  }

  private enrol(change: PortalChange): void {
    for (const workflow of this.workflowsById.values()) {
      const { objectType, property, value } = workflow.trigger;
      const changed = change.changes[property];
      if (change.objectType !== objectType || !changed || changed.to !== value || changed.from === value) continue;

      const enrolmentKey = `${workflow.id}:${objectType}:${change.objectId}`;
      if (!workflow.reenroll && this.enrolled.has(enrolmentKey)) continue;
      this.enrolled.add(enrolmentKey);

      const targets =
        workflow.actOn === 'enrolled'
          ? [{ objectType, objectId: change.objectId }]
          : this.portal.associatedIds(objectType, change.objectId, 'contacts').map((id) => ({ objectType: 'contacts', objectId: id }));
      if (targets.length === 0) {
        this.logger.warn({ workflowId: workflow.id, objectType, objectId: change.objectId }, 'enrolled record has no associated contacts: nothing to run');
      }
      for (const target of targets) this.start(workflow, { objectType, objectId: change.objectId }, target);
    }
  }

  private start(workflow: Workflow, enrolledRecord: Execution['enrolledRecord'], target: { objectType: string; objectId: string }): void {
    const properties = this.portal.get(target.objectType, target.objectId)?.properties ?? {};
    const requested = workflow.action.config.objectRequestOptions?.properties ?? [];
    const objectProperties: Record<string, string> = {};
    for (const name of requested) {
      const value = properties[name];
      if (value !== null && value !== undefined) objectProperties[name] = value;
    }
    const callbackId = `ap-${this.portalId}-${this.nextExecution++}-${workflow.id}-0`;
    const payload: ActionPayload = {
      callbackId,
      origin: {
        portalId: this.portalId,
        actionDefinitionId: workflow.action.actionDefinitionId,
        actionDefinitionVersion: workflow.action.actionDefinitionVersion,
      },
      context: { source: 'WORKFLOWS', workflowId: workflow.id },
      object: { objectId: Number(target.objectId), objectType: actionObjectType(target.objectType), properties: objectProperties },
      inputFields: resolveInputFields(workflow.inputFields, properties),
    };
    const now = this.scheduler.now();
    const run: Run = {
      workflow,
      firstAttemptAt: now,
      execution: {
        callbackId,
        workflowId: workflow.id,
        object: { objectType: payload.object.objectType, objectId: target.objectId },
        enrolledRecord,
        status: 'RUNNING',
        outputFields: {},
        payload,
        attempts: [],
        startedAt: iso(now),
      },
    };
    this.runs.set(callbackId, run);
    this.logger.info({ workflowId: workflow.id, callbackId, object: run.execution.object }, 'record enrolled');
    this.track(this.attempt(run));
  }

  private track(promise: Promise<void>): Promise<void> {
    this.inFlight.add(promise);
    return promise.finally(() => this.inFlight.delete(promise));
  }

  /** One attempt that decides the execution's fate. */
  private async attempt(run: Run): Promise<void> {
    const { execution } = run;
    const now = this.scheduler.now();
    execution.status = 'RUNNING';
    delete execution.nextAttemptAt;
    const { decision } = await this.call(run, now, false);

    // A callback may have completed the execution while the call was in flight.
    if (FINAL.has(execution.status)) return;

    switch (decision.kind) {
      case 'complete':
        this.finish(run, decision.executionState === 'SUCCESS' ? 'SUCCEEDED' : 'FAILED', 'response', decision.outputFields, decision.executionState);
        return;
      case 'fail':
        this.finish(run, 'FAILED', 'response', {}, undefined, decision.reason);
        return;
      case 'block': {
        execution.status = 'BLOCKED';
        execution.outputFields = decision.outputFields;
        run.blockedAt = this.scheduler.now();
        execution.blockedAt = iso(run.blockedAt);
        const expiresAt = now + decision.expiresInMs;
        execution.expiresAt = iso(expiresAt);
        run.cancelTimer = this.scheduler.at(expiresAt, () => {
          if (execution.status !== 'BLOCKED') return;
          this.finish(run, 'FAILED', 'expiration', execution.outputFields, 'FAIL_CONTINUE', `not completed before ${execution.expiresAt}`);
        });
        return;
      }
      case 'retry': {
        const delay = decision.retryAfterMs ?? backoffDelay(execution.attempts.length, this.retryPolicy);
        const nextAt = now + delay;
        if (nextAt - run.firstAttemptAt > this.retryPolicy.windowMs) {
          this.finish(run, 'FAILED', 'retries-exhausted', {}, undefined, `still failing (${decision.reason}) at the end of the retry window`);
          return;
        }
        execution.status = 'RETRY_SCHEDULED';
        execution.nextAttemptAt = iso(nextAt);
        run.cancelTimer = this.scheduler.at(nextAt, () => this.track(this.attempt(run)));
        return;
      }
    }
  }

  /** Sends the payload signed and records the attempt; the caller decides what the answer means. */
  private async call(run: Run, now: number, redelivery: boolean): Promise<{ decision: AttemptDecision; attempt: Attempt }> {
    const { execution, workflow } = run;
    const url = workflow.action.config.actionUrl;
    const body = JSON.stringify(execution.payload);
    const result = await postSigned({
      url,
      body,
      clientSecret: this.options.clientSecret,
      timestamp: now,
      timeoutMs: this.options.requestTimeoutMs ?? 20_000,
    });
    const decision: AttemptDecision = result.response
      ? decideAttempt(result.response, now)
      : { kind: 'retry', reason: result.error ?? 'no answer' };
    const attempt: Attempt = {
      number: execution.attempts.length + 1,
      at: iso(now),
      request: { method: 'POST', url, headers: result.requestHeaders, body },
      decision: decision.kind,
      ...(redelivery && { redelivery: true }),
      ...(result.response && { response: result.response }),
      ...(result.error !== undefined && { error: result.error }),
      ...((decision.kind === 'retry' || decision.kind === 'fail') && { reason: decision.reason }),
    };
    execution.attempts.push(attempt);
    this.logger.info(
      { callbackId: execution.callbackId, url, attempt: attempt.number, redelivery, status: result.response?.status, decision: decision.kind, reason: attempt.reason },
      'action called',
    );
    return { decision, attempt };
  }

  private checkCompletion(callbackId: string, outputFields: Record<string, string>): void {
    const run = this.runs.get(callbackId);
    if (!run) {
      throw notFound(`No callback found for callbackId ${callbackId}`);
    }
    if (FINAL.has(run.execution.status)) {
      throw validationError(
        `Callback ${callbackId} is already completed (${run.execution.executionState ?? run.execution.status}, by ${run.execution.finishedBy})`,
      );
    }
    const state = outputFields.hs_execution_state;
    if (state !== undefined && state !== 'SUCCESS' && state !== 'FAIL_CONTINUE') {
      throw validationError(`hs_execution_state "${state}" cannot complete a callback (expected SUCCESS or FAIL_CONTINUE)`);
    }
    const refusal = this.refusal;
    if (refusal && (run.blockedAt === undefined || this.scheduler.now() < run.blockedAt + refusal.forMs)) {
      const message = `Callback ${callbackId} is not waiting for a completion (yet)`;
      throw refusal.status === 404 ? notFound(message) : validationError(message);
    }
  }

  private finishByCallback(callbackId: string, outputFields: Record<string, string>): void {
    const run = this.runs.get(callbackId)!;
    const state: ExecutionState = outputFields.hs_execution_state === 'FAIL_CONTINUE' ? 'FAIL_CONTINUE' : 'SUCCESS';
    this.finish(run, state === 'SUCCESS' ? 'SUCCEEDED' : 'FAILED', 'callback', outputFields, state);
  }

  private finish(
    run: Run,
    status: 'SUCCEEDED' | 'FAILED',
    finishedBy: FinishedBy,
    outputFields: Record<string, string>,
    executionState?: ExecutionState,
    error?: string,
  ): void {
    const { execution } = run;
    run.cancelTimer?.();
    delete run.cancelTimer;
    delete execution.nextAttemptAt;
    execution.status = status;
    execution.finishedBy = finishedBy;
    execution.outputFields = outputFields;
    execution.finishedAt = iso(this.scheduler.now());
    if (executionState) execution.executionState = executionState;
    if (error) execution.error = error;
    this.logger.info({ callbackId: execution.callbackId, status, finishedBy, executionState, error }, 'action finished');
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
