/** A stored CRM record and its property history, kept compact so 100,000 contacts fit in memory. */
export interface WriteSource {
  sourceType: string;
  sourceId?: string;
}

export interface PropertyVersion {
  value: string;
  timestamp: number;
  sourceType: string;
  sourceId?: string;
}

export interface CrmRecord {
  id: string;
  /** The id as a number, so searches sorting or filtering by hs_object_id need no parsing. */
  numericId: number;
  /** Only properties with a value; an empty string clears a property. */
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
  createdBy: WriteSource;
  /**
   * Versions per property, oldest first. A property written only at creation has no entry: its
   * single version is implied by `createdAt`/`createdBy`, which keeps seeded records small.
   */
  history?: Record<string, PropertyVersion[]>;
  /** Search does not see a new record before this time (HubSpot's indexing delay after a create). */
  searchableFrom?: number;
  /**
   * Updates search has not indexed yet, oldest first: each holds the values its write replaced
   * (null: the property had none), so search can be shown the record as it was before them.
   */
  pendingIndex?: PendingIndex[];
}

export interface PendingIndex {
  /** When search sees this update. */
  at: number;
  before: Record<string, string | null>;
  /** The record's `updatedAt` before this update. */
  updatedAt: number;
}

export function propertyHistory(record: CrmRecord, name: string): PropertyVersion[] {
  const versions = record.history?.[name];
  if (versions) return versions;
  const value = record.properties[name];
  return value === undefined ? [] : [{ value, timestamp: record.createdAt, ...record.createdBy }];
}

/** Records a change; the first change of a property set at creation first materialises that version. */
export function recordVersion(record: CrmRecord, name: string, version: PropertyVersion): void {
  const history = (record.history ??= {});
  history[name] ??= propertyHistory(record, name).slice();
  history[name].push(version);
}
