import { buildContactProperties, buildWorkflowInput, startWorkflowSandbox, type WorkflowSandbox } from './support/workflow-sandbox';

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

const callbacks = () => sandbox.client.automation.actions.callbacksApi;

/** The HubSpot-style error the official client surfaces, or a failure if the call succeeded. */
async function rejection(call: Promise<unknown>): Promise<{ code: number; body: { category?: string; message?: string } }> {
  try {
    await call;
  } catch (error) {
    return error as { code: number; body: { category?: string; message?: string } };
  }
  throw new Error('expected the call to be refused');
}

describe('BLOCK and callback completion', () => {
  test('a BLOCKed action waits, then the official client completes it and the output fields are kept', async () => {
    sandbox.receiver.replyWith(block('P3D'));
    const [callbackId] = await enrolContacts();
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });

    await sandbox.scheduler.advance(2 * DAY);
    await callbacks().complete(callbackId!, { outputFields: { hs_execution_state: 'SUCCESS', referral_status: 'qualified' } });

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
    await callbacks().completeBatch({
      inputs: [
        { callbackId: first!, outputFields: { hs_execution_state: 'SUCCESS' } },
        { callbackId: second!, outputFields: { hs_execution_state: 'FAIL_CONTINUE', reason: 'rejected by reviewer' } },
      ],
    });
    expect(sandbox.engine.execution(first!)).toMatchObject({ status: 'SUCCEEDED', executionState: 'SUCCESS' });
    expect(sandbox.engine.execution(second!)).toMatchObject({ status: 'FAILED', executionState: 'FAIL_CONTINUE', finishedBy: 'callback' });
  });

  test('ASYNC waits for a callback like BLOCK', async () => {
    sandbox.receiver.replyWith({ body: { outputFields: { hs_execution_state: 'ASYNC' } } });
    const [callbackId] = await enrolContacts();
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });
  });

  test('completing an unknown callback is a HubSpot 404', async () => {
    const error = await rejection(callbacks().complete('ap-1-2-3-0', { outputFields: { hs_execution_state: 'SUCCESS' } }));
    expect(error.code).toBe(404);
    expect(error.body).toMatchObject({ category: 'OBJECT_NOT_FOUND', message: expect.stringContaining('ap-1-2-3-0') });
  });

  test('completing a callback twice is refused the second time and changes nothing', async () => {
    sandbox.receiver.replyWith(block());
    const [callbackId] = await enrolContacts();
    await callbacks().complete(callbackId!, { outputFields: { hs_execution_state: 'SUCCESS' } });
    const error = await rejection(callbacks().complete(callbackId!, { outputFields: { hs_execution_state: 'FAIL_CONTINUE' } }));
    expect(error.code).toBe(400);
    expect(error.body).toMatchObject({ category: 'VALIDATION_ERROR', message: expect.stringContaining('already completed') });
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'SUCCEEDED', executionState: 'SUCCESS' });
  });

  test('a batch with one unknown callback completes none of them', async () => {
    sandbox.receiver.replyWith(block());
    const [callbackId] = await enrolContacts();
    const error = await rejection(
      callbacks().completeBatch({
        inputs: [
          { callbackId: callbackId!, outputFields: { hs_execution_state: 'SUCCESS' } },
          { callbackId: 'ap-9-9-9-0', outputFields: { hs_execution_state: 'SUCCESS' } },
        ],
      }),
    );
    expect(error.code).toBe(404);
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });
  });

  test('a callback cannot complete with BLOCK', async () => {
    sandbox.receiver.replyWith(block());
    const [callbackId] = await enrolContacts();
    const error = await rejection(callbacks().complete(callbackId!, { outputFields: { hs_execution_state: 'BLOCK' } }));
    expect(error.code).toBe(400);
    expect(sandbox.engine.execution(callbackId!)).toMatchObject({ status: 'BLOCKED' });
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
    const error = await rejection(callbacks().complete(callbackId!, { outputFields: { hs_execution_state: 'SUCCESS' } }));
    expect(error.code).toBe(400);
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
