import { EventEmitter } from 'node:events';
import { AssociationStore } from './crm/associations';
import { requiredOnCreate, type PropertyDefinition } from './crm/default-properties';
import { conflict, invalidProperties, notFound, validationError, type PropertyProblem } from './crm/errors';
import { objectTypeNames, objectType as resolveType, type ObjectTypeInfo } from './crm/object-types';
import { OwnerDirectory } from './crm/owners';
import { PipelineStore } from './crm/pipelines';
import { PropertyRegistry } from './crm/property-registry';
import { normalizeValue, type RawValue } from './crm/property-values';
import { recordVersion, type CrmRecord, type WriteSource } from './crm/records';

export type { CrmRecord, WriteSource } from './crm/records';

export interface PortalChange {
  kind: 'create' | 'update';
  objectType: string;
  objectId: string;
  changes: Record<string, { from: string | null; to: string | null }>;
}

/**
 * How long HubSpot's search takes to see writes. GET by id, batch read (also by email) and the
 * list endpoint read the record itself and are never delayed.
 */
export interface IndexingDelay {
  /** A created record is found by search this long after the create. */
  createMs: number;
  /** A changed record shows the change in search (filters, sorts, returned values) this long after the update. */
  updateMs: number;
}

/**
 * The waits a vendor's HubSpot connector advises after a create (10 s) and an update (60 s): the
 * longest documented figures, so code that copes with them copes with HubSpot's usual few seconds.
 */
export const DEFAULT_INDEXING_DELAY: IndexingDelay = { createMs: 10_000, updateMs: 60_000 };

export interface PortalOptions {
  clock?: () => number;
  portalId?: number;
  /** Default `DEFAULT_INDEXING_DELAY`; `{ createMs: 0, updateMs: 0 }` makes search see writes at once. */
  indexingDelay?: IndexingDelay;
}

export interface AccountDetails {
  companyCurrency: string;
  additionalCurrencies: string[];
  timeZone: string;
}

export interface WriteOptions {
  source?: WriteSource;
  /**
   * Search sees this write at once, as if it had happened long ago: for data a portal already
   * holds when a scenario starts (seeding), never for writes a scenario is about.
   */
  indexed?: boolean;
}

export interface AssociationInput {
  to: { id: string };
  types: Array<{ associationCategory?: string; associationTypeId: number }>;
}

const API_SOURCE: WriteSource = { sourceType: 'INTEGRATION', sourceId: 'sandbox-private-app' };
const FIRST_RECORD_ID = 101;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The in-memory state of one HubSpot portal: records, properties, associations, owners and
 * pipelines. Every committed write emits `'change'` (the workflow engine listens to it).
 */
export class Portal extends EventEmitter {
  readonly portalId: number;
  readonly clock: () => number;
  readonly properties: PropertyRegistry;
  readonly associations = new AssociationStore();
  readonly owners: OwnerDirectory;
  readonly pipelines: PipelineStore;
  /** What `GET /account-info/v3/details` reports; tests change the currency to play another portal. */
  readonly account: AccountDetails = { companyCurrency: 'USD', additionalCurrencies: ['EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD'], timeZone: 'US/Eastern' };
  private stores = new Map<string, Map<string, CrmRecord>>();
  private archivedStores = new Map<string, Map<string, CrmRecord>>();
  /** Records per type in id order (append-only; archived ones are skipped), for seeking by id. */
  private ordered = new Map<string, CrmRecord[]>();
  /** Lower-cased contact email → contact id: emails are unique per portal, case-insensitively. */
  private emailIndex = new Map<string, string>();
  private nextId = FIRST_RECORD_ID;
  private delay: IndexingDelay;

  constructor(options: PortalOptions = {}) {
    super();
    this.clock = options.clock ?? Date.now;
    this.delay = { ...(options.indexingDelay ?? DEFAULT_INDEXING_DELAY) };
    this.portalId = options.portalId ?? 12345678;
    this.properties = new PropertyRegistry(objectTypeNames, this.clock);
    this.owners = new OwnerDirectory(this.clock);
    this.pipelines = new PipelineStore(this.clock);
  }

  /** Deletes all records, associations and owners; property definitions and labels stay. */
  clearRecords(): void {
    this.stores = new Map();
    this.archivedStores = new Map();
    this.ordered = new Map();
    this.emailIndex = new Map();
    this.associations.clearAssociations();
    this.owners.clear();
    this.pipelines.reset();
    this.nextId = FIRST_RECORD_ID;
  }

  // ---- reads -------------------------------------------------------------------------------

  get(objectType: string, id: string): { id: string; properties: Record<string, string> } | undefined {
    const record = this.find(objectType, id);
    return record && { id: record.id, properties: { ...record.properties } };
  }

  find(objectType: string, id: string): CrmRecord | undefined {
    return this.store(resolveType(objectType).name).get(id);
  }

  findArchived(objectType: string, id: string): CrmRecord | undefined {
    return this.archivedStore(resolveType(objectType).name).get(id);
  }

  /** The record or HubSpot's 404. */
  require(objectType: string, id: string): CrmRecord {
    const record = this.find(objectType, id);
    if (!record) throw notFound(`Object not found. objectId are usually numeric.`, { id: [id] });
    return record;
  }

  /** Live records in id order (ids only grow, so insertion order is id order). */
  records(objectType: string, archived = false): IterableIterator<CrmRecord> {
    const name = resolveType(objectType).name;
    return (archived ? this.archivedStore(name) : this.store(name)).values();
  }

  /** Live records with an id above `afterId`, in id order; lets hs_object_id slices skip the rest. */
  *recordsAfter(objectType: string, afterId: number): Generator<CrmRecord> {
    const list = this.ordered.get(resolveType(objectType).name) ?? [];
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (list[mid]!.numericId <= afterId) low = mid + 1; else high = mid;
    }
    for (let i = low; i < list.length; i++) if (!list[i]!.archived) yield list[i]!;
  }

  get indexingDelay(): IndexingDelay {
    return { ...this.delay };
  }

  /** Applies to writes from now on; writes already waiting keep the time they were given. */
  setIndexingDelay(delay: IndexingDelay): void {
    this.delay = { ...delay };
  }

  /**
   * The record as search sees it at `now`: undefined while a new record is not indexed yet, the
   * values from before updates that are not indexed yet, else the record itself.
   */
  searchable(record: CrmRecord, now: number): CrmRecord | undefined {
    if (record.searchableFrom !== undefined) {
      if (now < record.searchableFrom) return undefined;
      delete record.searchableFrom;
    }
    const pending = record.pendingIndex;
    if (pending === undefined) return record;
    const waiting = pending.filter((p) => p.at > now);
    if (waiting.length === 0) {
      delete record.pendingIndex;
      return record;
    }
    if (waiting.length < pending.length) record.pendingIndex = waiting;
    const properties = { ...record.properties };
    // Newest first, so each property ends at the value before its oldest unindexed change.
    for (let i = waiting.length - 1; i >= 0; i--) {
      for (const [name, value] of Object.entries(waiting[i]!.before)) {
        if (value === null) delete properties[name];
        else properties[name] = value;
      }
    }
    return { ...record, properties, updatedAt: waiting[0]!.updatedAt };
  }

  count(objectType: string): number {
    return this.store(resolveType(objectType).name).size;
  }

  /** Finds a live record by a unique property (`email`, `hs_object_id` or a custom unique property). */
  findBy(objectType: string, propertyName: string, value: string): CrmRecord | undefined {
    const type = resolveType(objectType).name;
    if (propertyName === 'hs_object_id') return this.store(type).get(value);
    if (type === 'contacts' && propertyName === 'email') {
      const id = this.emailIndex.get(value.toLowerCase());
      return id === undefined ? undefined : this.store(type).get(id);
    }
    const def = this.properties.find(type, propertyName);
    if (!def?.hasUniqueValue) {
      throw validationError(`${propertyName} is not a unique identifier property for ${type}.`, [], { idProperty: [propertyName] });
    }
    for (const record of this.store(type).values()) if (record.properties[propertyName] === value) return record;
    return undefined;
  }

  propertyDefinition(objectType: string, name: string): PropertyDefinition | undefined {
    const type = resolveType(objectType).name;
    const def = this.properties.find(type, name);
    if (!def?.externalOptions) return def;
    return { ...def, options: this.externalOptions(type, name) };
  }

  associatedIds(fromType: string, fromId: string, toType: string): string[] {
    return this.associations.ids(resolveType(fromType).name, fromId, resolveType(toType).name);
  }

  // ---- writes ------------------------------------------------------------------------------

  create(objectType: string, properties: Record<string, RawValue>, options: WriteOptions & { associations?: AssociationInput[] } = {}): CrmRecord {
    return this.createMany(objectType, [{ properties, associations: options.associations }], options)[0]!;
  }

  /** All-or-nothing like HubSpot's batch create: every input is validated before any is stored. */
  createMany(
    objectType: string,
    inputs: Array<{ properties: Record<string, RawValue>; associations?: AssociationInput[] | undefined }>,
    options: WriteOptions = {},
  ): CrmRecord[] {
    const type = resolveType(objectType);
    const seenEmails = new Map<string, number>();
    const prepared = inputs.map((input, index) => {
      const values = this.prepareWrite(type, input.properties, undefined);
      const missing = (requiredOnCreate[type.name] ?? []).filter((p) => !values[p]);
      if (missing.length > 0) {
        throw invalidProperties(missing.map((name) => ({ name, error: 'REQUIRED_PROPERTY', message: `Property "${name}" is required.` })));
      }
      const email = type.name === 'contacts' ? values.email?.toLowerCase() : undefined;
      if (email) {
        if (seenEmails.has(email)) throw validationError(`Duplicate email ${email} in inputs ${seenEmails.get(email)} and ${index}.`);
        seenEmails.set(email, index);
      }
      for (const association of input.associations ?? []) this.checkAssociationInput(type.name, association);
      return { values, associations: input.associations ?? [] };
    });
    return prepared.map(({ values, associations }) => {
      const record = this.insert(type, values, options.source ?? API_SOURCE, options.indexed === true);
      for (const a of associations) this.associateByTypeIds(type.name, record.id, a);
      return record;
    });
  }

  update(objectType: string, id: string, properties: Record<string, RawValue>, options: WriteOptions = {}): CrmRecord {
    const type = resolveType(objectType);
    const record = this.require(type.name, id);
    const values = this.prepareWrite(type, properties, record);
    this.apply(type, record, values, options.source ?? API_SOURCE, options.indexed === true);
    return record;
  }

  /** Validates a whole batch of updates first (HubSpot refuses the batch on any invalid value). */
  updateMany(objectType: string, inputs: Array<{ id: string; properties: Record<string, RawValue> }>, options: WriteOptions = {}): CrmRecord[] {
    const type = resolveType(objectType);
    const prepared = inputs.map((input) => {
      const record = this.require(type.name, input.id);
      return { record, values: this.prepareWrite(type, input.properties, record) };
    });
    for (const { record, values } of prepared) this.apply(type, record, values, options.source ?? API_SOURCE, options.indexed === true);
    return prepared.map((p) => p.record);
  }

  archive(objectType: string, id: string): void {
    const type = resolveType(objectType);
    const record = this.store(type.name).get(id);
    if (!record) return; // HubSpot answers 204 for records that are already gone.
    this.store(type.name).delete(id);
    const now = this.clock();
    record.archived = true;
    record.archivedAt = now;
    this.archivedStore(type.name).set(id, record);
    const email = record.properties.email?.toLowerCase();
    if (type.name === 'contacts' && email && this.emailIndex.get(email) === id) this.emailIndex.delete(email);
    this.associations.removeRecord(type.name, id, objectTypeNames);
  }

  /** Associates with explicit `{associationCategory, associationTypeId}` specs, checking both records exist. */
  associate(fromType: string, fromId: string, toType: string, toId: string, specs: Array<{ associationCategory?: string; associationTypeId: number }>): void {
    const from = resolveType(fromType).name;
    const to = resolveType(toType).name;
    this.require(from, fromId);
    this.require(to, toId);
    const typeIds = specs.map((s) => this.associations.resolve(from, to, s).typeId);
    this.associations.associate(from, fromId, to, toId, typeIds);
  }

  /** HubSpot's "default" association: the pair's unlabeled type. */
  associateDefault(fromType: string, fromId: string, toType: string, toId: string): number {
    const from = resolveType(fromType).name;
    const to = resolveType(toType).name;
    const typeId = this.associations.defaultTypeId(from, to);
    if (typeId === undefined) throw validationError(`There is no default association type from ${from} to ${to}.`);
    this.associate(from, fromId, to, toId, [{ associationTypeId: typeId }]);
    return typeId;
  }

  // ---- internals ---------------------------------------------------------------------------

  private insert(type: ObjectTypeInfo, values: Record<string, string>, source: WriteSource, indexed: boolean): CrmRecord {
    const now = this.clock();
    const id = String(this.nextId++);
    const stamp = new Date(now).toISOString();
    const properties: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) if (value !== '') properties[name] = value;
    properties.hs_object_id = id;
    properties[type.createdProperty] ??= stamp;
    properties[type.lastModifiedProperty] = stamp;
    if (type.name === 'deals' && properties.dealstage && !properties.pipeline) properties.pipeline = 'default';
    const record: CrmRecord = { id, numericId: Number(id), properties, createdAt: now, updatedAt: now, archived: false, createdBy: source };
    if (!indexed && this.delay.createMs > 0) record.searchableFrom = now + this.delay.createMs;
    this.store(type.name).set(id, record);
    let ordered = this.ordered.get(type.name);
    if (!ordered) this.ordered.set(type.name, (ordered = []));
    ordered.push(record);
    if (type.name === 'contacts' && properties.email) this.emailIndex.set(properties.email.toLowerCase(), id);
    if (this.listenerCount('change') > 0) {
      const changes: PortalChange['changes'] = {};
      for (const [name, to] of Object.entries(properties)) changes[name] = { from: null, to };
      this.emit('change', { kind: 'create', objectType: type.name, objectId: id, changes } satisfies PortalChange);
    }
    return record;
  }

  private apply(type: ObjectTypeInfo, record: CrmRecord, values: Record<string, string>, source: WriteSource, indexed: boolean): void {
    const changes: PortalChange['changes'] = {};
    for (const [name, value] of Object.entries(values)) {
      const current = record.properties[name];
      if ((current ?? '') === value) continue;
      changes[name] = { from: current ?? null, to: value === '' ? null : value };
    }
    if (Object.keys(changes).length === 0) return;
    const now = this.clock();
    const stamp = new Date(now).toISOString();
    changes[type.lastModifiedProperty] = { from: record.properties[type.lastModifiedProperty] ?? null, to: stamp };
    if (!indexed && this.delay.updateMs > 0) {
      const before: Record<string, string | null> = {};
      for (const [name, change] of Object.entries(changes)) before[name] = change.from;
      (record.pendingIndex ??= []).push({ at: now + this.delay.updateMs, before, updatedAt: record.updatedAt });
    }
    for (const [name, change] of Object.entries(changes)) {
      const to = change.to ?? '';
      recordVersion(record, name, { value: to, timestamp: now, ...source });
      if (to === '') delete record.properties[name];
      else record.properties[name] = to;
    }
    record.updatedAt = now;
    const emailChange = changes.email;
    if (type.name === 'contacts' && emailChange) {
      if (emailChange.from) this.emailIndex.delete(emailChange.from.toLowerCase());
      if (emailChange.to) this.emailIndex.set(emailChange.to.toLowerCase(), record.id);
    }
    this.emit('change', { kind: 'update', objectType: type.name, objectId: record.id, changes } satisfies PortalChange);
  }

  /** Normalises written values and reports every invalid one at once, as HubSpot does. */
  private prepareWrite(type: ObjectTypeInfo, input: Record<string, RawValue>, existing: CrmRecord | undefined): Record<string, string> {
    const problems: PropertyProblem[] = [];
    const values: Record<string, string> = {};
    const pipeline = String(input.pipeline ?? existing?.properties.pipeline ?? 'default');
    for (const [name, raw] of Object.entries(input)) {
      const def = this.properties.find(type.name, name);
      if (!def) {
        problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
        continue;
      }
      if (def.readOnlyValue) {
        problems.push({ name, error: 'READ_ONLY_VALUE', message: `${name} is a read only property; its value cannot be set.` });
        continue;
      }
      const allowed = def.type === 'enumeration' ? this.allowedValues(type.name, def, pipeline) : [];
      const result = normalizeValue(def, raw, allowed);
      if ('problem' in result) problems.push(result.problem);
      else values[name] = result.value;
    }
    if (type.name === 'contacts' && values.email) {
      if (!EMAIL_PATTERN.test(values.email)) {
        problems.push({ name: 'email', error: 'INVALID_EMAIL', message: `Email address ${values.email} is invalid` });
      }
    }
    if (problems.length > 0) throw invalidProperties(problems);
    if (type.name === 'contacts' && values.email) {
      const owner = this.emailIndex.get(values.email.toLowerCase());
      if (owner !== undefined && owner !== existing?.id) throw conflict(`Contact already exists. Existing ID: ${owner}`);
    }
    return values;
  }

  private allowedValues(objectType: string, def: PropertyDefinition, pipeline: string): string[] {
    if (!def.externalOptions) return def.options.map((o) => o.value);
    if (objectType === 'deals' && def.name === 'dealstage') return this.pipelines.stageIds(pipeline);
    return this.externalOptions(objectType, def.name).map((o) => o.value);
  }

  private externalOptions(objectType: string, name: string): PropertyDefinition['options'] {
    if (name === 'hubspot_owner_id') {
      return this.owners.list().map((o, i) => ({ label: `${o.firstName} ${o.lastName}`, value: o.id, displayOrder: i, hidden: false }));
    }
    if (objectType === 'deals' && name === 'pipeline') {
      return this.pipelines.list().map((p) => ({ label: p.label, value: p.id, displayOrder: p.displayOrder, hidden: false }));
    }
    if (objectType === 'deals' && name === 'dealstage') {
      return this.pipelines.list().flatMap((p) => p.stages.map((s) => ({ label: s.label, value: s.id, displayOrder: s.displayOrder, hidden: false })));
    }
    return [];
  }

  private checkAssociationInput(fromType: string, association: AssociationInput): void {
    for (const spec of association.types) {
      const type = this.associations.type(spec.associationTypeId);
      if (!type || type.fromType !== fromType) {
        throw validationError(`${spec.associationTypeId} is not a valid association type id from ${fromType}.`);
      }
      this.associations.resolve(fromType, type.toType, spec);
      this.require(type.toType, association.to.id);
    }
  }

  private associateByTypeIds(fromType: string, fromId: string, association: AssociationInput): void {
    for (const spec of association.types) {
      const type = this.associations.type(spec.associationTypeId)!;
      this.associations.associate(fromType, fromId, type.toType, association.to.id, [type.typeId]);
    }
  }

  private store(name: string): Map<string, CrmRecord> {
    let store = this.stores.get(name);
    if (!store) this.stores.set(name, (store = new Map()));
    return store;
  }

  private archivedStore(name: string): Map<string, CrmRecord> {
    let store = this.archivedStores.get(name);
    if (!store) this.archivedStores.set(name, (store = new Map()));
    return store;
  }
}
