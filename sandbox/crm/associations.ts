import { conflict, validationError } from './errors';

export type AssociationCategory = 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';

export interface AssociationType {
  typeId: number;
  category: AssociationCategory;
  fromType: string;
  toType: string;
  label: string | null;
  name: string;
  /** The type the association gets when read from the other side. */
  inverseTypeId: number;
}

/** HubSpot-defined association types: [from, to, typeId, inverse typeId, label]; the first per pair is the default. */
const hubspotDefined: Array<[string, string, number, number, string | null]> = [
  ['contacts', 'companies', 279, 280, null], ['contacts', 'companies', 1, 2, 'Primary'],
  ['deals', 'contacts', 3, 4, null],
  ['deals', 'companies', 341, 342, null], ['deals', 'companies', 5, 6, 'Primary'],
  ['contacts', 'contacts', 449, 449, null],
  ['companies', 'companies', 450, 450, null],
  ['deals', 'deals', 451, 451, null],
  ['tasks', 'contacts', 204, 203, null], ['tasks', 'companies', 192, 191, null], ['tasks', 'deals', 216, 215, null],
  ['notes', 'contacts', 202, 201, null], ['notes', 'companies', 190, 189, null], ['notes', 'deals', 214, 213, null],
];

const singular: Record<string, string> = {
  contacts: 'contact', companies: 'company', deals: 'deal', tasks: 'task', notes: 'note',
};
const typeName = (from: string, to: string, labelled: boolean) =>
  `${singular[from] ?? from}_to_${singular[to] ?? to}${labelled ? '' : '_unlabeled'}`;

const FIRST_CUSTOM_TYPE_ID = 1001;

export interface AssociatedObject {
  toId: string;
  typeIds: number[];
}

/**
 * Association types (including custom labels) and the associations between records. Every
 * association is stored from both sides so reads in either direction are a map lookup.
 */
export class AssociationStore {
  private readonly types = new Map<number, AssociationType>();
  private readonly defaults = new Map<string, number>();
  private edges = new Map<string, Map<string, Set<number>>>();
  private nextTypeId = FIRST_CUSTOM_TYPE_ID;

  constructor() {
    for (const [from, to, typeId, inverseTypeId, label] of hubspotDefined) {
      const add = (t: AssociationType) => {
        this.types.set(t.typeId, t);
        if (!this.defaults.has(`${t.fromType}:${t.toType}`)) this.defaults.set(`${t.fromType}:${t.toType}`, t.typeId);
      };
      add({ typeId, inverseTypeId, category: 'HUBSPOT_DEFINED', fromType: from, toType: to, label, name: typeName(from, to, label !== null) });
      if (typeId !== inverseTypeId) {
        add({ typeId: inverseTypeId, inverseTypeId: typeId, category: 'HUBSPOT_DEFINED', fromType: to, toType: from, label: null, name: typeName(to, from, label !== null) });
      }
    }
  }

  /** Forgets every association; custom labels stay, like a portal whose records were deleted. */
  clearAssociations(): void {
    this.edges = new Map();
  }

  type(typeId: number): AssociationType | undefined {
    return this.types.get(typeId);
  }

  defaultTypeId(fromType: string, toType: string): number | undefined {
    return this.defaults.get(`${fromType}:${toType}`);
  }

  labels(fromType: string, toType: string): AssociationType[] {
    return [...this.types.values()].filter((t) => t.fromType === fromType && t.toType === toType);
  }

  /** A custom label; with `inverseLabel` the reverse direction gets its own type id and label. */
  createLabel(fromType: string, toType: string, input: { name: string; label: string; inverseLabel?: string }): AssociationType[] {
    const taken = [...this.types.values()].some((t) =>
      t.category === 'USER_DEFINED' && t.name === input.name &&
      ((t.fromType === fromType && t.toType === toType) || (t.fromType === toType && t.toType === fromType)));
    if (taken) throw conflict(`An association label named '${input.name}' already exists between ${fromType} and ${toType}.`);
    const sameType = fromType === toType;
    const forwardId = this.nextTypeId++;
    const needsInverse = !sameType || input.inverseLabel !== undefined;
    const inverseId = needsInverse ? this.nextTypeId++ : forwardId;
    const forward: AssociationType = {
      typeId: forwardId, inverseTypeId: inverseId, category: 'USER_DEFINED', fromType, toType, label: input.label, name: input.name,
    };
    this.types.set(forwardId, forward);
    if (!needsInverse) return [forward];
    const inverse: AssociationType = {
      typeId: inverseId, inverseTypeId: forwardId, category: 'USER_DEFINED', fromType: toType, toType: fromType,
      label: input.inverseLabel ?? input.label, name: input.inverseLabel !== undefined ? `${input.name}_inverse` : input.name,
    };
    this.types.set(inverseId, inverse);
    return [forward, inverse];
  }

  /** Checks a requested `{associationCategory, associationTypeId}` against the pair it is used for. */
  resolve(fromType: string, toType: string, spec: { associationCategory?: string; associationTypeId: number }): AssociationType {
    const type = this.types.get(spec.associationTypeId);
    if (!type || type.fromType !== fromType || type.toType !== toType) {
      throw validationError(`${spec.associationTypeId} is not a valid association type id from ${fromType} to ${toType}.`, [], {
        associationTypeId: [String(spec.associationTypeId)],
      });
    }
    if (spec.associationCategory !== undefined && spec.associationCategory !== type.category) {
      throw validationError(`Association type ${type.typeId} belongs to category ${type.category}, not ${spec.associationCategory}.`);
    }
    return type;
  }

  /** Adds the given types (and the pair's unlabeled default, which a labelled association implies). */
  associate(fromType: string, fromId: string, toType: string, toId: string, typeIds: number[]): void {
    const defaultId = this.defaultTypeId(fromType, toType);
    const all = new Set(typeIds);
    if (defaultId !== undefined) all.add(defaultId);
    for (const typeId of all) {
      const type = this.types.get(typeId);
      if (!type) continue;
      this.edgeSet(fromType, fromId, toType).set(toId, (this.edgeSet(fromType, fromId, toType).get(toId) ?? new Set()).add(typeId));
      this.edgeSet(toType, toId, fromType).set(fromId, (this.edgeSet(toType, toId, fromType).get(fromId) ?? new Set()).add(type.inverseTypeId));
    }
  }

  /** Removes every association between two records, from both sides. */
  remove(fromType: string, fromId: string, toType: string, toId: string): void {
    this.edges.get(key(fromType, fromId, toType))?.delete(toId);
    this.edges.get(key(toType, toId, fromType))?.delete(fromId);
  }

  /** Drops a record's associations when the record is archived. */
  removeRecord(objectType: string, id: string, otherTypes: readonly string[]): void {
    for (const toType of otherTypes) {
      for (const toId of this.edges.get(key(objectType, id, toType))?.keys() ?? []) this.remove(objectType, id, toType, toId);
    }
  }

  list(fromType: string, fromId: string, toType: string): AssociatedObject[] {
    const targets = this.edges.get(key(fromType, fromId, toType));
    if (!targets) return [];
    return [...targets].filter(([, types]) => types.size > 0)
      .map(([toId, types]) => ({ toId, typeIds: [...types].sort((a, b) => a - b) }))
      .sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  ids(fromType: string, fromId: string, toType: string): string[] {
    return this.list(fromType, fromId, toType).map((a) => a.toId);
  }

  private edgeSet(fromType: string, fromId: string, toType: string): Map<string, Set<number>> {
    const k = key(fromType, fromId, toType);
    let m = this.edges.get(k);
    if (!m) this.edges.set(k, (m = new Map()));
    return m;
  }
}

const key = (fromType: string, fromId: string, toType: string) => `${fromType}:${fromId}:${toType}`;
