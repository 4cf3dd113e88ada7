import { ACCESS_TOKEN, buildContactProperties, buildWorkflowInput, startWorkflowSandbox, type WorkflowSandbox } from './support/workflow-sandbox';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let sandbox: WorkflowSandbox;
beforeEach(async () => {
  sandbox = await startWorkflowSandbox();
  await sandbox.registerWorkflow(buildWorkflowInput());
});
afterEach(async () => {
  await sandbox.close();
});

async function enrolContacts(count = 1): Promise<string[]> {
  for (let i = 0; i < count; i++) {
    const id = await sandbox.createContact(buildContactProperties());
    await sandbox.updateContact(id, { lifecyclestage: 'customer' });
  }
  return sandbox.receiver.calls.map((call) => call.body.callbackId);
}

const block = (expiration?: string) => ({
  body: { outputFields: { hs_execution_state: 'BLOCK', ...(expiration && { hs_expiration_duration: expiration }) } },
});

interface Answer {
  status: number;
  body: { category?: string; message?: string };
}

/** POSTs a completion as HubSpot's API reference documents it: `outputFields` and `typedOutputs`. */
async function post(path: string, body: unknown): Promise<Answer> {
  const response = await sandbox.client.apiRequest({ method: 'POST', path, body });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

const complete = (callbackId: string, outputFields: Record<string, string>) =>
  post(`/automation/v4/actions/callbacks/${callbackId}/complete`, { outputFields, typedOutputs: outputFields });

const completeBatch = (inputs: Array<{ callbackId: string; outputFields: Record<string, string> }>) =>
  post('/automation/v4/actions/callbacks/complete', { inputs: inputs.map((i) => ({ ...i, typedOutputs: i.outputFields })) });

describe('BLOCK and callback completion', () => {
  test('a BLOCKed action waits, then the official client completes it and the output fields are kept', async () => {
    sandbox.receiver.replyWith(block('P3D'));
    const [callbackId] = await enrolContacts();
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });

    await sandbox.scheduler.advance(2 * DAY);
    expect((await complete(callbackId!, { hs_execution_state: 'SUCCESS', referral_status: 'qualified' })).status).toBe(204);

    expect(sandbox.engine.execution(callbackId!)).toMatchObject({
      status: 'SUCCEEDED',
      executionState: 'SUCCESS',
      finishedBy: 'callback',
      outputFields: { hs_execution_state: 'SUCCESS', referral_status: 'qualified' },
    });
    await sandbox.scheduler.advance(2 * DAY);
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'SUCCEEDED', finishedBy: 'callback' });
    expect(sandbox.receiver.calls).toHaveLength(1);
  });

  test('the batch endpoint completes several callbacks at once, each with its own state', async () => {
    sandbox.receiver.replyWith(block());
    const [first, second] = await enrolContacts(2);
    const answer = await completeBatch([
      { callbackId: first!, outputFields: { hs_execution_state: 'SUCCESS' } },
      { callbackId: second!, outputFields: { hs_execution_state: 'FAIL_CONTINUE', reason: 'rejected by reviewer' } },
    ]);
    expect(answer.status).toBe(204);
    expect(sandbox.engine.execution(first!)).toMatchObject({ status: 'SUCCEEDED', executionState: 'SUCCESS' });
    expect(sandbox.engine.execution(second!)).toMatchObject({ status: 'FAILED', executionState: 'FAIL_CONTINUE', finishedBy: 'callback' });
  });

  test('ASYNC waits for a callback like BLOCK', async () => {
    sandbox.receiver.replyWith({ body: { outputFields: { hs_execution_state: 'ASYNC' } } });
    const [callbackId] = await enrolContacts();
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });
  });

  test('completing an unknown callback is a HubSpot 404', async () => {
    const error = await complete('ap-1-2-3-0', { hs_execution_state: 'SUCCESS' });
    expect(error.status).toBe(404);
    expect(error.body).toMatchObject({ category: 'OBJECT_NOT_FOUND', message: expect.stringContaining('ap-1-2-3-0') });
  });

  test('completing a callback twice is refused the second time and changes nothing', async () => {
    sandbox.receiver.replyWith(block());
    const [callbackId] = await enrolContacts();
    expect((await complete(callbackId!, { hs_execution_state: 'SUCCESS' })).status).toBe(204);
    const error = await complete(callbackId!, { hs_execution_state: 'FAIL_CONTINUE' });
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({ category: 'VALIDATION_ERROR', message: expect.stringContaining('already completed') });
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'SUCCEEDED', executionState: 'SUCCESS' });
  });

  test('a batch with one unknown callback completes none of them', async () => {
    sandbox.receiver.replyWith(block());
    const [callbackId] = await enrolContacts();
    const error = await completeBatch([
      { callbackId: callbackId!, outputFields: { hs_execution_state: 'SUCCESS' } },
      { callbackId: 'ap-9-9-9-0', outputFields: { hs_execution_state: 'SUCCESS' } },
    ]);
    expect(error.status).toBe(404);
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });
  });

  test('a callback cannot complete with BLOCK', async () => {
    sandbox.receiver.replyWith(block());
    const [callbackId] = await enrolContacts();
    const error = await complete(callbackId!, { hs_execution_state: 'BLOCK' });
    expect(error.status).toBe(400);
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });
  });
});

describe('what a completion must carry', () => {
  test('the official client 14 sends no typedOutputs, which the current API reference requires: refused, nothing completed', async () => {
    sandbox.receiver.replyWith(block());
    const [callbackId] = await enrolContacts();
    const api = sandbox.client.automation.actions.callbacksApi;
    const refused = await api.complete(callbackId!, { outputFields: { hs_execution_state: 'SUCCESS' } }).then(
      () => undefined,
      (error: { code: number; body: Answer['body'] }) => error,
    );
    expect(refused?.code).toBe(400);
    expect(refused?.body).toMatchObject({ category: 'VALIDATION_ERROR', message: expect.stringContaining('typedOutputs is required') });
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });
  });

  test('a batch input without typedOutputs is refused, naming the input', async () => {
    sandbox.receiver.replyWith(block());
    const [callbackId] = await enrolContacts();
    const error = await post('/automation/v4/actions/callbacks/complete', { inputs: [{ callbackId, outputFields: { hs_execution_state: 'SUCCESS' } }] });
    expect(error.status).toBe(400);
    expect(error.body.message).toContain('inputs.0.typedOutputs');
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });
  });
});

describe('completion refused until HubSpot has recorded the BLOCK (fault mode)', () => {
  test('refused while the call is in flight and for forMs after the BLOCK, accepted from then on', async () => {
    sandbox.engine.setCompletionRefusal({ forMs: 30_000, status: 404 });
    let early: Answer | undefined;
    let callbackId = '';
    // Completes from inside the action call, before the engine has its answer: as a fast service would.
    sandbox.receiver.replyWith({
      ...block(),
      before: async (call) => {
        callbackId = call.body.callbackId;
        early = await complete(callbackId, { hs_execution_state: 'SUCCESS' });
      },
    });
    await enrolContacts();
    expect(early).toMatchObject({ status: 404, body: { category: 'OBJECT_NOT_FOUND', message: expect.stringContaining('not waiting') } });
    expect(sandbox.engine.execution(callbackId)).toMatchObject({ status: 'BLOCKED' });

    await sandbox.scheduler.advance(29_999);
    expect((await complete(callbackId, { hs_execution_state: 'SUCCESS' })).status).toBe(404);
    await sandbox.scheduler.advance(1);
    expect((await complete(callbackId, { hs_execution_state: 'SUCCESS' })).status).toBe(204);
    expect(sandbox.engine.execution(callbackId)).toMatchObject({ status: 'SUCCEEDED', finishedBy: 'callback' });
  });

  test('set over the admin endpoint, refused with 400 by default; forMs 0 turns it off', async () => {
    sandbox.receiver.replyWith(block());
    const set = (body: unknown) => fetch(`${sandbox.url}/sandbox/callbacks/refusal`, {
      method: 'POST', headers: { Authorization: `Bearer ${ACCESS_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    expect(await (await set({ forMs: 60_000 })).json()).toEqual({ forMs: 60_000, status: 400 });
    const [callbackId] = await enrolContacts();
    expect(await complete(callbackId!, { hs_execution_state: 'SUCCESS' })).toMatchObject({ status: 400, body: { category: 'VALIDATION_ERROR' } });
    expect((await set({ forMs: -1 })).status).toBe(400);

    await set({ forMs: 0 });
    expect((await complete(callbackId!, { hs_execution_state: 'SUCCESS' })).status).toBe(204);
  });
});

describe('expiration', () => {
  test('a BLOCKed action not completed within hs_expiration_duration fails, and a late completion is refused', async () => {
    sandbox.receiver.replyWith(block('PT36H'));
    const [callbackId] = await enrolContacts();
    await sandbox.scheduler.advance(36 * HOUR - 1);
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });

    await sandbox.scheduler.advance(1);
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'FAILED', finishedBy: 'expiration', executionState: 'FAIL_CONTINUE' });
    const error = await complete(callbackId!, { hs_execution_state: 'SUCCESS' });
    expect(error.status).toBe(400);
  });

  test('without hs_expiration_duration a BLOCK expires after one week', async () => {
    sandbox.receiver.replyWith(block());
    const [callbackId] = await enrolContacts();
    const blocked = sandbox.engine.execution(callbackId!)!;
    expect(Date.parse(blocked.expiresAt!) - Date.parse(blocked.startedAt)).toBe(7 * DAY);

    await sandbox.scheduler.advance(7 * DAY - 1);
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });
    await sandbox.scheduler.advance(1);
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'FAILED', finishedBy: 'expiration' });
  });

  test('an unreadable hs_expiration_duration fails the action with the reason', async () => {
    sandbox.receiver.replyWith(block('one week'));
    const [callbackId] = await enrolContacts();
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({
      status: 'FAILED',
      error: expect.stringContaining('"one week" is not an ISO-8601 duration'),
    });
  });
});
