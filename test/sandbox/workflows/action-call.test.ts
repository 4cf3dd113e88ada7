import { Signature } from '@hubspot/api-client';
import {
  ACCESS_TOKEN,
  CLIENT_SECRET,
  NOTIFY_ACTION_FILE,
  buildContactProperties,
  buildWorkflowInput,
  startWorkflowSandbox,
  type WorkflowSandbox,
} from './support/workflow-sandbox';

let sandbox: WorkflowSandbox;
beforeEach(async () => {
  sandbox = await startWorkflowSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

async function contactBecomesCustomer(overrides: Record<string, string> = {}): Promise<string> {
  const id = await sandbox.createContact(buildContactProperties(overrides));
  await sandbox.updateContact(id, { lifecyclestage: 'customer' });
  return id;
}

describe('calling a workflow action', () => {
  test('a contact reaching the trigger value gets HubSpot’s payload POSTed to the actionUrl from the project hsmeta', async () => {
    const workflow = await sandbox.registerWorkflow(buildWorkflowInput());
    const contactId = await contactBecomesCustomer();

    expect(sandbox.receiver.calls).toHaveLength(1);
    const call = sandbox.receiver.calls[0]!;
    expect(call.method).toBe('POST');
    expect(call.url).toBe(`${sandbox.receiver.baseUrl}/hubspot/actions/qualify-referral`);
    expect(call.headers['content-type']).toMatch(/^application\/json/);
    expect(call.body).toEqual({
      callbackId: expect.stringMatching(/^ap-\d+-\d+-\d+-0$/),
      origin: { portalId: sandbox.portal.portalId, actionDefinitionId: expect.any(Number), actionDefinitionVersion: 1 },
      context: { source: 'WORKFLOWS', workflowId: workflow.id },
      object: { objectId: Number(contactId), objectType: 'CONTACT', properties: {} },
      inputFields: { program: 'default', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
    });
  });

  test('the call passes the official client’s v3 and v2 signature checks with the app’s client secret', async () => {
    await sandbox.registerWorkflow(buildWorkflowInput());
    await contactBecomesCustomer();
    const call = sandbox.receiver.calls[0]!;
    const common = { requestBody: call.rawBody, url: call.url, method: 'POST' };

    expect(call.headers['x-hubspot-signature-version']).toBe('v2');
    expect(
      Signature.isValid({
        ...common,
        signatureVersion: 'v3',
        signature: call.headers['x-hubspot-signature-v3']!,
        clientSecret: CLIENT_SECRET,
        timestamp: Number(call.headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(true);
    expect(
      Signature.isValid({ ...common, signatureVersion: 'v2', signature: call.headers['x-hubspot-signature']!, clientSecret: CLIENT_SECRET }),
    ).toBe(true);
    expect(
      Signature.isValid({ ...common, signatureVersion: 'v2', signature: call.headers['x-hubspot-signature']!, clientSecret: 'another-secret' }),
    ).toBe(false);
  });

  test('input fields resolve static values and record properties; requested properties are sent in object.properties', async () => {
    await sandbox.registerWorkflow(
      buildWorkflowInput({
        action: { file: NOTIFY_ACTION_FILE },
        inputFields: { recipient_email: { propertyName: 'email' }, channel: 'sms', company_name: { propertyName: 'company' } },
      }),
    );
    await contactBecomesCustomer({ email: 'grace@example.org', firstname: 'Grace', company: 'Navy Labs' });
    const [call] = sandbox.receiver.calls;

    expect(call!.url).toBe(`${sandbox.receiver.baseUrl}/hubspot/actions/notify-referrer?source=workflow`);
    expect(call!.body.inputFields).toEqual({ recipient_email: 'grace@example.org', channel: 'sms', company_name: 'Navy Labs' });
    expect(call!.body.object.properties).toEqual({ email: 'grace@example.org', firstname: 'Grace', lifecyclestage: 'customer' });
  });

  test('a property reference to an empty property leaves that input field out', async () => {
    await sandbox.registerWorkflow(
      buildWorkflowInput({
        action: { file: NOTIFY_ACTION_FILE },
        inputFields: { recipient_email: { propertyName: 'email' }, channel: 'email', company_name: { propertyName: 'company' } },
      }),
    );
    await contactBecomesCustomer({ email: 'no-company@example.org' });
    expect(sandbox.receiver.calls[0]!.body.inputFields).toEqual({ recipient_email: 'no-company@example.org', channel: 'email' });
  });

  test('a record is enrolled once: leaving and reaching the value again does not call again', async () => {
    await sandbox.registerWorkflow(buildWorkflowInput());
    const id = await contactBecomesCustomer();
    // Clearing first is how HubSpot lets a stage go back.
    await sandbox.updateContact(id, { lifecyclestage: '' });
    await sandbox.updateContact(id, { lifecyclestage: 'customer' });
    expect(sandbox.receiver.calls).toHaveLength(1);
  });

  test('changes to other properties, or to other values, enrol nobody', async () => {
    await sandbox.registerWorkflow(buildWorkflowInput());
    const id = await sandbox.createContact(buildContactProperties());
    await sandbox.updateContact(id, { lifecyclestage: 'opportunity', firstname: 'Augusta' });
    expect(sandbox.receiver.calls).toHaveLength(0);
  });

  test('every execution and attempt is readable back over the admin API', async () => {
    const workflow = await sandbox.registerWorkflow(buildWorkflowInput());
    sandbox.receiver.replyWith({ status: 200, body: { outputFields: { hs_execution_state: 'SUCCESS', referral_status: 'qualified' } } });
    const contactId = await contactBecomesCustomer();

    const response = await fetch(`${sandbox.url}/sandbox/workflows/${workflow.id}/executions`, {
      headers: { Authorization: `Bearer ${ACCESS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: Array<Record<string, unknown>> };
    expect(results).toEqual([
      expect.objectContaining({
        callbackId: sandbox.receiver.calls[0]!.body.callbackId,
        workflowId: workflow.id,
        object: { objectType: 'CONTACT', objectId: contactId },
        status: 'SUCCEEDED',
        executionState: 'SUCCESS',
        finishedBy: 'response',
        outputFields: { hs_execution_state: 'SUCCESS', referral_status: 'qualified' },
        attempts: [
          expect.objectContaining({
            number: 1,
            decision: 'complete',
            request: expect.objectContaining({ url: sandbox.receiver.calls[0]!.url, body: sandbox.receiver.calls[0]!.rawBody }),
            response: expect.objectContaining({ status: 200 }),
          }),
        ],
      }),
    ]);
  });

  test('an execution can be redelivered, concurrently, with the same callbackId and without changing its outcome', async () => {
    await sandbox.registerWorkflow(buildWorkflowInput());
    sandbox.receiver.replyWith({ body: { outputFields: { hs_execution_state: 'BLOCK' } } }, { status: 500 });
    await contactBecomesCustomer();
    const { callbackId } = sandbox.receiver.calls[0]!.body;

    const redeliver = () =>
      fetch(`${sandbox.url}/sandbox/executions/${callbackId}/redeliver`, { method: 'POST', headers: { Authorization: `Bearer ${ACCESS_TOKEN}` } });
    const answers = await Promise.all([redeliver(), redeliver()]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const attempts = (await Promise.all(answers.map((answer) => answer.json()))) as Array<Record<string, unknown>>;
    expect(attempts).toEqual([
      expect.objectContaining({ redelivery: true, decision: 'retry', response: expect.objectContaining({ status: 500 }) }),
      expect.objectContaining({ redelivery: true, decision: 'retry', response: expect.objectContaining({ status: 500 }) }),
    ]);

    expect(sandbox.receiver.calls.map((call) => call.body.callbackId)).toEqual([callbackId, callbackId, callbackId]);
    expect(sandbox.engine.execution(callbackId)).toMatchObject({ status: 'BLOCKED' });
    expect(sandbox.engine.execution(callbackId)!.attempts).toHaveLength(3);
  });
});
