import { Client } from '@hubspot/api-client';
import { startSandbox, type StartSandboxOptions } from '../../../../sandbox/index';
import { VirtualScheduler } from '../../../../sandbox/workflows/scheduler';
import type { WorkflowInput } from '../../../../sandbox/workflows/workflow-definition';
import { startActionReceiver } from './action-receiver';

export const CLIENT_SECRET = 'workflow-test-client-secret';
export const ACCESS_TOKEN = 'workflow-test-token';

export { NOTIFY_ACTION_FILE } from './fixtures';

/**
 * A sandbox on port 0 with the workflow engine on compressed time, an action receiver standing in for the
 * service (`${SERVICE_URL}` points at it) and the official client pointed at the sandbox.
 */
export async function startWorkflowSandbox(options: Partial<StartSandboxOptions> = {}) {
  const receiver = await startActionReceiver();
  const scheduler = new VirtualScheduler();
  const sandbox = await startSandbox({
    port: 0,
    accessToken: ACCESS_TOKEN,
    clientSecret: CLIENT_SECRET,
    scheduler,
    variables: { SERVICE_URL: receiver.baseUrl },
    ...options,
  });
  const client = new Client({ accessToken: ACCESS_TOKEN, basePath: sandbox.url, numberOfApiCallRetries: 0 });
  return {
    ...sandbox,
    scheduler,
    receiver,
    client,
    /** Registers through the admin endpoint, as a user of the sandbox would. */
    async registerWorkflow(input: WorkflowInput): Promise<{ id: number }> {
      const response = await fetch(`${sandbox.url}/sandbox/workflows`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input),
      });
      if (response.status !== 201) throw new Error(`registering failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: number };
    },
    async createContact(properties: Record<string, string>): Promise<string> {
      const created = await client.crm.contacts.basicApi.create({ properties, associations: [] });
      await sandbox.engine.idle();
      return created.id;
    },
    async updateContact(id: string, properties: Record<string, string>): Promise<void> {
      await client.crm.contacts.basicApi.update(id, { properties });
      await sandbox.engine.idle();
    },
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

export type WorkflowSandbox = Awaited<ReturnType<typeof startWorkflowSandbox>>;

let contactCount = 0;
export const buildContactProperties = (overrides: Record<string, string> = {}): Record<string, string> => ({
  email: `friend-${++contactCount}@example.org`,
  firstname: 'Ada',
  lastname: 'Lovelace',
  lifecyclestage: 'lead',
  ...overrides,
});

/** "Lifecycle stage becomes customer → Qualify referral", using the project's own action definition. */
export const buildWorkflowInput = (overrides: Partial<WorkflowInput> = {}): WorkflowInput => ({
  name: 'Qualify referred customers',
  trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
  action: { uid: 'qualify_referral_action' },
  inputFields: { program: 'default', milestone_kind: 'lifecycle_stage', lifecycle_stage: { value: 'customer' } },
  ...overrides,
});
