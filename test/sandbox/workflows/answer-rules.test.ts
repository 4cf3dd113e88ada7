import { buildContactProperties, buildWorkflowInput, startWorkflowSandbox, type WorkflowSandbox } from './support/workflow-sandbox';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let sandbox: WorkflowSandbox;
beforeEach(async () => {
  sandbox = await startWorkflowSandbox();
  await sandbox.registerWorkflow(buildWorkflowInput());
});
afterEach(async () => {
  await sandbox.close();
});

async function enrolContact(): Promise<void> {
  const id = await sandbox.createContact(buildContactProperties());
  await sandbox.updateContact(id, { lifecyclestage: 'customer' });
}

const onlyExecution = () => {
  const executions = sandbox.engine.executions();
  expect(executions).toHaveLength(1);
  return executions[0]!;
};
const gapsBetweenAttempts = () => {
  const times = onlyExecution().attempts.map((attempt) => Date.parse(attempt.at));
  return times.slice(1).map((time, index) => time - times[index]!);
};

describe('answers that finish the action', () => {
  test('a 2xx without hs_execution_state is a success', async () => {
    sandbox.receiver.replyWith({ status: 204 });
    await enrolContact();
    expect(onlyExecution()).toMatchObject({ status: 'SUCCEEDED', executionState: 'SUCCESS', finishedBy: 'response' });
  });

  test('FAIL_CONTINUE fails the action with its output fields and is not retried', async () => {
    sandbox.receiver.replyWith({ body: { outputFields: { hs_execution_state: 'FAIL_CONTINUE', reason: 'not a referral' } } });
    await enrolContact();
    await sandbox.scheduler.advance(DAY);
    expect(sandbox.receiver.calls).toHaveLength(1);
    expect(onlyExecution()).toMatchObject({
      status: 'FAILED',
      executionState: 'FAIL_CONTINUE',
      outputFields: { hs_execution_state: 'FAIL_CONTINUE', reason: 'not a referral' },
    });
  });

  test('a 4xx other than 429 fails the action at once, never retried', async () => {
    sandbox.receiver.replyWith({ status: 400, body: { error: { code: 'INVALID_SIGNATURE' } } });
    await enrolContact();
    await sandbox.scheduler.advance(4 * DAY);
    expect(sandbox.receiver.calls).toHaveLength(1);
    expect(onlyExecution()).toMatchObject({ status: 'FAILED', finishedBy: 'response', error: 'HTTP 400' });
  });
});

describe('retries', () => {
  test('5xx is retried with exponential backoff from one minute, with the same callbackId, until it succeeds', async () => {
    sandbox.receiver.replyWith({ status: 503 }, { status: 500 }, { status: 502 }, { status: 200 });
    await enrolContact();
    expect(onlyExecution()).toMatchObject({ status: 'RETRY_SCHEDULED' });

    await sandbox.scheduler.advance(MINUTE - 1);
    expect(sandbox.receiver.calls).toHaveLength(1);
    await sandbox.scheduler.advance(1);
    expect(sandbox.receiver.calls).toHaveLength(2);

    await sandbox.scheduler.advance(10 * MINUTE);
    expect(gapsBetweenAttempts()).toEqual([MINUTE, 2 * MINUTE, 4 * MINUTE]);
    expect(onlyExecution()).toMatchObject({ status: 'SUCCEEDED', executionState: 'SUCCESS' });
    expect(new Set(sandbox.receiver.calls.map((call) => call.body.callbackId)).size).toBe(1);
  });

  test('429 is retried after the Retry-After it sends', async () => {
    sandbox.receiver.replyWith({ status: 429, headers: { 'Retry-After': '600' } }, { status: 200 });
    await enrolContact();
    await sandbox.scheduler.advance(10 * MINUTE - 1);
    expect(sandbox.receiver.calls).toHaveLength(1);
    await sandbox.scheduler.advance(1);
    expect(sandbox.receiver.calls).toHaveLength(2);
    expect(onlyExecution()).toMatchObject({ status: 'SUCCEEDED' });
  });

  test('an actionUrl that refuses connections is retried like a 5xx', async () => {
    await sandbox.close();
    sandbox = await startWorkflowSandbox({ variables: { SERVICE_URL: 'http://127.0.0.1:9' } });
    // In process: defining it over HTTP would fetch the action's options from the unreachable service.
    sandbox.engine.register(buildWorkflowInput());
    await enrolContact();
    const execution = onlyExecution();
    expect(execution.status).toBe('RETRY_SCHEDULED');
    expect(execution.attempts[0]).toMatchObject({ decision: 'retry', error: expect.any(String) });
    expect(execution.attempts[0]!.response).toBeUndefined();
  });

  test('a 5xx that never recovers is given up after three days, backing off to at most eight hours', async () => {
    sandbox.receiver.replyWith({ status: 500, body: 'down for maintenance' });
    await enrolContact();
    await sandbox.scheduler.advance(4 * DAY);

    const execution = onlyExecution();
    expect(execution).toMatchObject({ status: 'FAILED', finishedBy: 'retries-exhausted' });
    const gaps = gapsBetweenAttempts();
    expect(gaps.slice(0, 9)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256].map((minutes) => minutes * MINUTE));
    expect(gaps.slice(9).every((gap) => gap === 8 * HOUR)).toBe(true);
    const lastAttempt = Date.parse(execution.attempts.at(-1)!.at) - Date.parse(execution.startedAt);
    expect(lastAttempt).toBeLessThanOrEqual(3 * DAY);
    expect(lastAttempt + 8 * HOUR).toBeGreaterThan(3 * DAY);
    expect(execution.attempts.at(-1)!.response).toMatchObject({ status: 500, body: 'down for maintenance' });
  });
});
