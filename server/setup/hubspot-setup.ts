import type { HubSpotGateway } from '../hubspot/gateway';
import { CONTACT_PROPERTIES, PROPERTY_GROUP, REFERRED_BY_LABEL, type ContactPropertyDefinition } from '../hubspot/properties';

/**
 * Prepares a portal for the product: the "Referral program" property group, the contact
 * properties and the "Referred by" / "Referred" association label. Idempotent: it reads what
 * exists first and only creates what is missing (or adds missing options to an enumeration), so
 * a second run changes nothing.
 */
export type SetupAction = 'created' | 'updated' | 'unchanged' | 'conflict';

export interface SetupStep {
  kind: 'property group' | 'property' | 'association label';
  name: string;
  action: SetupAction;
  detail?: string;
}

export interface SetupReport {
  steps: SetupStep[];
  changed: boolean;
  /** Existing definitions that differ in a way setup must not change by itself (e.g. the type). */
  conflicts: SetupStep[];
  referredByTypeId: number | undefined;
}

export interface SetupOptions {
  /** Report what would change and change nothing. */
  dryRun?: boolean;
}

interface ExistingProperty {
  name: string;
  type: string;
  groupName?: string;
  options?: Array<{ value: string }>;
}

export async function setUpPortal(gateway: HubSpotGateway, opts: SetupOptions = {}): Promise<SetupReport> {
  const steps: SetupStep[] = [];
  steps.push(await ensureGroup(gateway, opts));
  steps.push(...(await ensureProperties(gateway, opts)));
  const label = await ensureReferredByLabel(gateway, opts);
  steps.push(label.step);
  const conflicts = steps.filter((s) => s.action === 'conflict');
  return { steps, changed: steps.some((s) => s.action === 'created' || s.action === 'updated'), conflicts, referredByTypeId: label.typeId };
}

async function ensureGroup(gateway: HubSpotGateway, opts: SetupOptions): Promise<SetupStep> {
  const step = { kind: 'property group', name: PROPERTY_GROUP.name } as const;
  const groups = await gateway.call('read', 'list contact property groups', (c) => c.crm.properties.groupsApi.getAll('contacts'));
  if (groups.results.some((g) => g.name === PROPERTY_GROUP.name)) return { ...step, action: 'unchanged' };
  if (!opts.dryRun) {
    await gateway.call('write', 'create the property group', (c) => c.crm.properties.groupsApi.create('contacts', { ...PROPERTY_GROUP }));
  }
  return { ...step, action: 'created' };
}

async function ensureProperties(gateway: HubSpotGateway, opts: SetupOptions): Promise<SetupStep[]> {
  const all = await gateway.call('read', 'list contact properties', (c) => c.crm.properties.coreApi.getAll('contacts', false));
  const existing = new Map<string, ExistingProperty>(all.results.map((p) => [p.name, p]));
  const steps: SetupStep[] = [];
  for (const def of CONTACT_PROPERTIES) {
    const current = existing.get(def.name);
    const step = { kind: 'property', name: def.name } as const;
    if (!current) {
      if (!opts.dryRun) {
        await gateway.call('write', `create property ${def.name}`, (c) =>
          c.crm.properties.coreApi.create('contacts', { ...def, groupName: PROPERTY_GROUP.name } as Parameters<typeof c.crm.properties.coreApi.create>[1]),
        );
      }
      steps.push({ ...step, action: 'created' });
      continue;
    }
    if (current.type !== def.type) {
      steps.push({ ...step, action: 'conflict', detail: `exists with type "${current.type}", expected "${def.type}"; change or delete it in HubSpot` });
      continue;
    }
    const missing = missingOptions(def, current);
    if (missing.length === 0) {
      steps.push({ ...step, action: 'unchanged' });
      continue;
    }
    if (!opts.dryRun) {
      // Existing options are kept (records may use them); only ours are added.
      const options = [...(current.options ?? []), ...missing];
      await gateway.call('write', `add options to ${def.name}`, (c) =>
        c.crm.properties.coreApi.update('contacts', def.name, { options } as Parameters<typeof c.crm.properties.coreApi.update>[2]),
      );
    }
    steps.push({ ...step, action: 'updated', detail: `added option${missing.length === 1 ? '' : 's'} ${missing.map((o) => o.value).join(', ')}` });
  }
  return steps;
}

function missingOptions(def: ContactPropertyDefinition, current: ExistingProperty) {
  const have = new Set((current.options ?? []).map((o) => o.value));
  return (def.options ?? []).filter((o) => !have.has(o.value));
}

/** The typeId of the "Referred by" label (from the referred contact to the referrer), if it exists. */
export async function findReferredByTypeId(gateway: HubSpotGateway): Promise<number | undefined> {
  const labels = await gateway.call('read', 'list contact association labels', (c) =>
    c.crm.associations.v4.schema.definitionsApi.getAll('contacts', 'contacts'),
  );
  return labels.results.find((l) => l.label === REFERRED_BY_LABEL.label)?.typeId;
}

async function ensureReferredByLabel(gateway: HubSpotGateway, opts: SetupOptions): Promise<{ step: SetupStep; typeId: number | undefined }> {
  const step = { kind: 'association label', name: `${REFERRED_BY_LABEL.label} / ${REFERRED_BY_LABEL.inverseLabel}` } as const;
  const existing = await findReferredByTypeId(gateway);
  if (existing !== undefined) return { step: { ...step, action: 'unchanged' }, typeId: existing };
  if (opts.dryRun) return { step: { ...step, action: 'created' }, typeId: undefined };
  const created = await gateway.call('write', 'create the "Referred by" association label', (c) =>
    c.crm.associations.v4.schema.definitionsApi.create('contacts', 'contacts', { ...REFERRED_BY_LABEL }),
  );
  const typeId = created.results.find((l) => l.label === REFERRED_BY_LABEL.label)?.typeId;
  return { step: { ...step, action: 'created' }, typeId };
}

/** One line per step, then a summary a person can act on. */
export function formatSetupReport(report: SetupReport, dryRun = false): string {
  const verb: Record<SetupAction, string> = dryRun
    ? { created: 'would create', updated: 'would update', unchanged: 'ok', conflict: 'CONFLICT' }
    : { created: 'created', updated: 'updated', unchanged: 'ok', conflict: 'CONFLICT' };
  const lines = report.steps.map((s) => `  ${verb[s.action].padEnd(12)} ${s.kind} ${s.name}${s.detail ? ` — ${s.detail}` : ''}`);
  const summary = report.conflicts.length > 0
    ? `${report.conflicts.length} definition(s) conflict with what the product needs; fix them in HubSpot and run setup again.`
    : report.changed
      ? (dryRun ? 'Setup would change the portal as listed.' : 'Setup finished: the portal is ready.')
      : 'Nothing to change: the portal is already set up.';
  return [...lines, summary].join('\n');
}
