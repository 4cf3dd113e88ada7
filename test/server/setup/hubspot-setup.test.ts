import { CONTACT_PROPERTIES, PROPERTY_GROUP, REFERRED_BY_LABEL } from '../../../server/hubspot/properties';
import { formatSetupReport, setUpPortal } from '../../../server/setup/hubspot-setup';
import { startHarness, type Harness } from '../../support/harness';

describe('portal setup', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('leaves the group, every property and the association label in place, and a second run changes nothing', async () => {
    const groups = await h.hubspot.crm.properties.groupsApi.getAll('contacts');
    expect(groups.results.map((g) => g.name)).toContain(PROPERTY_GROUP.name);
    const properties = await h.hubspot.crm.properties.coreApi.getAll('contacts');
    for (const def of CONTACT_PROPERTIES) {
      const found = properties.results.find((p) => p.name === def.name);
      expect(found).toMatchObject({ type: def.type, groupName: PROPERTY_GROUP.name });
    }
    const labels = await h.hubspot.crm.associations.v4.schema.definitionsApi.getAll('contacts', 'contacts');
    expect(labels.results.map((l) => l.label)).toEqual(expect.arrayContaining([REFERRED_BY_LABEL.label, REFERRED_BY_LABEL.inverseLabel]));

    const again = await setUpPortal(h.gateway);
    expect(again.changed).toBe(false);
    expect(again.steps.every((s) => s.action === 'unchanged')).toBe(true);
    expect(formatSetupReport(again)).toContain('Nothing to change: the portal is already set up.');
    const labelsAfter = await h.hubspot.crm.associations.v4.schema.definitionsApi.getAll('contacts', 'contacts');
    expect(labelsAfter.results).toHaveLength(labels.results.length);
  });

  it('a dry run on a fresh portal lists what it would create and creates nothing', async () => {
    const bare = await startHarness({ setUp: false });
    try {
      const dry = await setUpPortal(bare.gateway, { dryRun: true });
      expect(dry.steps.filter((s) => s.action === 'created')).toHaveLength(CONTACT_PROPERTIES.length + 2);
      expect(formatSetupReport(dry, true)).toContain('would create');
      expect(bare.sandbox.portal.propertyDefinition('contacts', CONTACT_PROPERTIES[0]!.name)).toBeUndefined();

      const real = await setUpPortal(bare.gateway);
      expect(real.changed).toBe(true);
      expect(real.referredByTypeId).toEqual(expect.any(Number));
      expect(bare.sandbox.portal.propertyDefinition('contacts', CONTACT_PROPERTIES[0]!.name)).toBeDefined();
    } finally {
      await bare.close();
    }
  });
});
