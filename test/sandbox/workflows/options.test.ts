import { Signature } from '@hubspot/api-client';
import { ACCESS_TOKEN, buildWorkflowInput, CLIENT_SECRET, startWorkflowSandbox, type WorkflowSandbox } from './support/workflow-sandbox';

let sandbox: WorkflowSandbox;
beforeEach(async () => {
  sandbox = await startWorkflowSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

/** Defines a workflow over the admin endpoint and returns the raw answer (201 or the refusal). */
async function define(input = buildWorkflowInput()) {
  const response = await fetch(`${sandbox.url}/sandbox/workflows`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as { id?: number; message?: string; category?: string } };
}

const optionsCallFor = (field: string) => sandbox.receiver.optionsCalls.find((c) => c.body.inputFieldName === field);

describe('optionsUrl fields, fetched when a workflow is defined', () => {
  test('each optionsUrl gets HubSpot’s request, signed, with the other fields’ values typed', async () => {
    const defined = await define();
    expect(defined.status).toBe(201);

    expect(sandbox.receiver.optionsCalls.map((c) => c.body.inputFieldName)).toEqual(['program', 'lifecycle_stage', 'pipeline', 'deal_stage']);
    const call = optionsCallFor('lifecycle_stage')!;
    expect(call.url).toBe(`${sandbox.receiver.baseUrl}/hubspot/options/lifecycle-stages`);
    expect(call.body).toEqual({
      origin: { portalId: sandbox.engine.portalId, actionDefinitionId: expect.any(Number), actionDefinitionVersion: 1 },
      objectTypeId: '0-1',
      inputFieldName: 'lifecycle_stage',
      inputFields: {
        program: { type: 'STATIC_VALUE', value: 'default' },
        milestone_kind: { type: 'STATIC_VALUE', value: 'lifecycle_stage' },
        lifecycle_stage: { type: 'STATIC_VALUE', value: 'customer' },
      },
      fetchOptions: {},
    });
    const timestamp = Number(call.headers['x-hubspot-request-timestamp']);
    expect(Signature.isValid({
      signatureVersion: 'v3', signature: call.headers['x-hubspot-signature-v3']!, clientSecret: CLIENT_SECRET,
      requestBody: JSON.stringify(call.body), url: call.url, method: 'POST', timestamp,
    })).toBe(true);
    expect(sandbox.engine.optionsFetches(defined.body.id!)).toHaveLength(4);
    // Fetching options runs no action.
    expect(sandbox.receiver.calls).toEqual([]);
  });

  test('a static value the service does not offer is refused, naming the field and what was offered', async () => {
    sandbox.receiver.answerOptions((body) => ({
      body: { options: body.inputFieldName === 'program' ? [{ label: 'Spring', value: 'spring' }, { label: 'Autumn', value: 'autumn', description: 'paused' }] : [{ label: 'Customer', value: 'customer' }] },
    }));
    const refused = await define(buildWorkflowInput({ inputFields: { program: 'winter', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' } }));

    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect(refused.body.message).toContain('inputFields.program: "winter" is not among the options');
    expect(refused.body.message).toContain('("spring", "autumn")');
    expect(sandbox.engine.workflows()).toEqual([]);
  });

  test('follows `after` page by page until the chosen value turns up', async () => {
    sandbox.receiver.answerOptions((body) => {
      if (body.inputFieldName !== 'program') return { body: { options: [{ label: 'Customer', value: 'customer' }] } };
      const after = (body.fetchOptions as { after?: string }).after;
      return after === 'page-2'
        ? { body: { options: [{ label: 'Default', value: 'default' }] } }
        : { body: { options: [{ label: 'Spring', value: 'spring' }], after: 'page-2', searchable: true } };
    });
    expect((await define()).status).toBe(201);
    const programCalls = sandbox.receiver.optionsCalls.filter((c) => c.body.inputFieldName === 'program');
    expect(programCalls.map((c) => c.body.fetchOptions)).toEqual([{}, { after: 'page-2' }]);
  });

  test.each([
    ['an option without a label', { body: { options: [{ value: 'default' }] } }, 'options.0.label'],
    ['an error status', { status: 500, body: { message: 'boom' } }, 'answered 500'],
  ])('an answer with %s is refused, naming the optionsUrl', async (_name, reply, problem) => {
    sandbox.receiver.answerOptions(() => reply);
    const refused = await define();
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain(`inputFields.program: ${sandbox.receiver.baseUrl}/hubspot/options/programs`);
    expect(refused.body.message).toContain(problem);
  });
});
