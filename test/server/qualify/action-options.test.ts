import request from 'supertest';
import { dialects } from '../../support/databases';
import { createProgram, SANDBOX_TOKEN, startHarness, type Harness } from '../../support/harness';

/** Defines a workflow in the sandbox as a portal admin does in HubSpot's editor (which loads every optionsUrl). */
function defineWorkflow(h: Harness, action: string, inputFields: Record<string, string>) {
  return request(h.sandbox.url).post('/sandbox/workflows').set('authorization', `Bearer ${SANDBOX_TOKEN}`).send({
    name: `Uses ${action}`,
    trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
    action: { uid: action },
    inputFields,
  });
}

const offered = (h: Harness, workflowId: number, field: string) =>
  h.sandbox.engine.optionsFetches(workflowId).filter((f) => f.request.inputFieldName === field).flatMap((f) => f.answer?.options ?? []);

describe.each(dialects)('the actions’ option lists, loaded by the sandbox’s workflow editor, on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect, setUp: false });
    await createProgram(h);
    await createProgram(h, { id: 'autumn', name: 'Autumn referrals' });
  });
  afterAll(() => h.close());

  it('offers the programs, the portal’s lifecycle stages, pipelines and the chosen pipeline’s stages to "Qualify referral"', async () => {
    const res = await defineWorkflow(h, 'qualify_referral_action', { program: 'autumn', milestone_kind: 'deal_stage', pipeline: 'default', deal_stage: 'closedwon' });
    expect(res.status).toBe(201);
    const id = res.body.id as number;
    expect(offered(h, id, 'program').map((o) => o.value).sort()).toEqual(['autumn', 'spring']);
    expect(offered(h, id, 'program')).toContainEqual({ label: 'Autumn referrals', value: 'autumn', description: expect.any(String) });
    expect(offered(h, id, 'lifecycle_stage').map((o) => o.value)).toEqual(expect.arrayContaining(['lead', 'customer']));
    expect(offered(h, id, 'pipeline').map((o) => o.value)).toEqual(['default']);
    // The pipeline chosen arrives typed; only its stages are listed, labelled without the pipeline name.
    expect(offered(h, id, 'deal_stage')).toContainEqual({ label: 'Closed Won', value: 'closedwon' });
    expect(offered(h, id, 'deal_stage').every((o) => !o.label.includes(':'))).toBe(true);
  });

  it('refuses a workflow naming a program the service does not have, as HubSpot’s editor would not offer it', async () => {
    const res = await defineWorkflow(h, 'qualify_referral_action', { program: 'winter', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/inputFields\.program: "winter" is not among the options \S+\/hubspot\/options\/programs offers \(("spring", "autumn"|"autumn", "spring")\)/);
  });

  it('offers the programs to "Enrol contact" too', async () => {
    const res = await defineWorkflow(h, 'enrol_contact_action', { program: 'spring' });
    expect(res.status).toBe(201);
    expect(offered(h, res.body.id as number, 'program').map((o) => o.value).sort()).toEqual(['autumn', 'spring']);
  });
});
