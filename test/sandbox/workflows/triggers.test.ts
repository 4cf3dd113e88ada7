import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/deals/models/AssociationSpec';
import {
  ACCESS_TOKEN,
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

const closedWonWorkflow = buildWorkflowInput({
  name: 'Enrol buyers of won deals',
  trigger: { objectType: 'deals', property: 'dealstage', value: 'closedwon' },
  action: { uid: 'enrol_contact_action' },
  inputFields: { program: 'default' },
});

async function createDealWith(contactIds: string[]): Promise<string> {
  const deal = await sandbox.client.crm.deals.basicApi.create({
    properties: { dealname: 'Annual plan', pipeline: 'default', dealstage: 'appointmentscheduled', amount: '1200' },
    associations: [],
  });
  for (const contactId of contactIds) {
    await sandbox.client.crm.associations.v4.basicApi.createDefault('deals', deal.id, 'contacts', contactId);
  }
  return deal.id;
}

async function winDeal(dealId: string): Promise<void> {
  await sandbox.client.crm.deals.basicApi.update(dealId, { properties: { dealstage: 'closedwon' } });
  await sandbox.engine.idle();
}

describe('deal triggers', () => {
  test('a won deal runs a contact-based action once per associated contact', async () => {
    const workflow = await sandbox.registerWorkflow(closedWonWorkflow);
    const buyer = await sandbox.createContact(buildContactProperties());
    const champion = await sandbox.createContact(buildContactProperties());
    const bystander = await sandbox.createContact(buildContactProperties());
    const dealId = await createDealWith([buyer, champion]);
    await winDeal(dealId);

    const called = sandbox.receiver.calls.map((call) => call.body.object);
    expect(called).toEqual(
      expect.arrayContaining([
        { objectId: Number(buyer), objectType: 'CONTACT', properties: {} },
        { objectId: Number(champion), objectType: 'CONTACT', properties: {} },
      ]),
    );
    expect(called).toHaveLength(2);
    expect(called.map((object) => String(object.objectId))).not.toContain(bystander);
    expect(sandbox.receiver.calls[0]!.url).toBe(`${sandbox.receiver.baseUrl}/hubspot/actions/enrol-contact`);
    expect(sandbox.engine.executions(workflow.id).map((execution) => execution.enrolledRecord)).toEqual([
      { objectType: 'deals', objectId: dealId },
      { objectType: 'deals', objectId: dealId },
    ]);
  });

  test('a deal created won, with its contacts in the same call, runs the action on those contacts', async () => {
    await sandbox.registerWorkflow(closedWonWorkflow);
    const buyer = await sandbox.createContact(buildContactProperties());
    await sandbox.client.crm.deals.basicApi.create({
      properties: { dealname: 'Won at once', pipeline: 'default', dealstage: 'closedwon' },
      associations: [{ to: { id: buyer }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 3 }] }],
    });
    await sandbox.engine.idle();
    expect(sandbox.receiver.calls.map((call) => String(call.body.object.objectId))).toEqual([buyer]);
  });

  test('an action that supports deals runs on the deal itself', async () => {
    await sandbox.registerWorkflow(
      buildWorkflowInput({
        trigger: { objectType: 'deals', property: 'dealstage', value: 'closedwon' },
        inputFields: { program: 'default', milestone_kind: 'deal_stage', pipeline: 'default', deal_stage: 'closedwon' },
      }),
    );
    const dealId = await createDealWith([await sandbox.createContact(buildContactProperties())]);
    await winDeal(dealId);
    expect(sandbox.receiver.calls.map((call) => call.body.object)).toEqual([{ objectId: Number(dealId), objectType: 'DEAL', properties: {} }]);
    expect(sandbox.receiver.calls[0]!.body.inputFields).toMatchObject({ deal_stage: 'closedwon', pipeline: 'default' });
  });

  test('property references resolve on each associated contact, not on the deal', async () => {
    await sandbox.registerWorkflow({
      ...closedWonWorkflow,
      action: { file: NOTIFY_ACTION_FILE },
      inputFields: { recipient_email: { propertyName: 'email' }, channel: 'email' },
    });
    const contactId = await sandbox.createContact(buildContactProperties({ email: 'buyer@example.org' }));
    await winDeal(await createDealWith([contactId]));
    expect(sandbox.receiver.calls[0]!.body.inputFields).toEqual({ recipient_email: 'buyer@example.org', channel: 'email' });
  });
});

describe('registering workflows', () => {
  async function register(body: unknown): Promise<{ status: number; body: { category?: string; message?: string } }> {
    const response = await fetch(`${sandbox.url}/sandbox/workflows`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { category?: string; message?: string } };
  }

  test.each([
    ['a required input field missing', { inputFields: { milestone_kind: 'lifecycle_stage' } }, 'inputFields.program: required'],
    ['an input field the action does not have', { inputFields: { program: 'default', milestone_kind: 'lifecycle_stage', colour: 'red' } }, 'no input field "colour"'],
    ['a property reference where only static values are supported', { inputFields: { program: { propertyName: 'email' }, milestone_kind: 'lifecycle_stage' } }, 'OBJECT_PROPERTY is not supported'],
    ['a static value outside the enumeration options', { inputFields: { program: 'default', milestone_kind: 'birthday' } }, '"birthday" is not one of'],
    ['an unknown action uid', { action: { uid: 'no_such_action' } }, 'no workflow action with uid "no_such_action"'],
    ['a trigger on a property the portal does not have', { trigger: { objectType: 'contacts', property: 'lifecycle', value: 'customer' } }, 'contacts have no property "lifecycle"'],
  ])('refuses %s with a HubSpot-style 400 naming the problem', async (_case, overrides, expected) => {
    const { status, body } = await register(buildWorkflowInput(overrides as Parameters<typeof buildWorkflowInput>[0]));
    expect(status).toBe(400);
    expect(body.category).toBe('VALIDATION_ERROR');
    expect(body.message).toContain(expected);
  });

  test('refuses an action that cannot act on the records the trigger enrols', async () => {
    const { status, body } = await register({
      ...closedWonWorkflow,
      trigger: { objectType: 'companies', property: 'name', value: 'Acme' },
      action: { file: NOTIFY_ACTION_FILE },
      inputFields: { recipient_email: 'x@example.org', channel: 'email' },
      actOn: 'enrolled',
    });
    expect(status).toBe(400);
    expect(body.message).toContain('supports CONTACT, not COMPANY');
  });

  test('refuses an hsmeta whose ${VAR} has no value', async () => {
    await sandbox.close();
    sandbox = await startWorkflowSandbox({ variables: {} });
    const { status, body } = await register(buildWorkflowInput());
    expect(status).toBe(400);
    expect(body.message).toContain('no variable "SERVICE_URL" is defined');
  });

  test('workflows given at start are registered after the seed, so seeded records enrol nobody until they change', async () => {
    await sandbox.close();
    sandbox = await startWorkflowSandbox({ seed: { contacts: 50, deals: 10, seed: 7 }, workflows: [buildWorkflowInput()] });
    expect(sandbox.engine.workflows()).toHaveLength(1);
    expect(sandbox.receiver.calls).toHaveLength(0);

    const lead = [...sandbox.portal.records('contacts')].find((record) => ['subscriber', 'lead'].includes(record.properties.lifecyclestage ?? ''))!;
    await sandbox.updateContact(lead.id, { lifecyclestage: 'customer' });
    expect(sandbox.receiver.calls.map((call) => String(call.body.object.objectId))).toEqual([lead.id]);
  });

  test('lists registered workflows with the action they call', async () => {
    const workflow = await sandbox.registerWorkflow(closedWonWorkflow);
    const response = await fetch(`${sandbox.url}/sandbox/workflows`, { headers: { Authorization: `Bearer ${ACCESS_TOKEN}` } });
    const { results } = (await response.json()) as { results: unknown[] };
    expect(results).toEqual([
      expect.objectContaining({
        id: workflow.id,
        actOn: 'associated-contacts',
        action: expect.objectContaining({ uid: 'enrol_contact_action', actionUrl: `${sandbox.receiver.baseUrl}/hubspot/actions/enrol-contact` }),
      }),
    ]);
  });
});
