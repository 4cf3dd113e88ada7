import { conflict, notFound, validationError } from './errors';
import {
  defaultDefinitions, type PropertyDefinition, type PropertyGroup, type PropertyOption, type PropertyType,
} from './default-properties';

export interface PropertyInput {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description?: string;
  options?: Array<{ label: string; value: string; displayOrder?: number; hidden?: boolean; description?: string }>;
  displayOrder?: number;
  hasUniqueValue?: boolean;
  hidden?: boolean;
}

export type PropertyPatch = Partial<Omit<PropertyInput, 'name' | 'hasUniqueValue'>>;

const fieldTypesByType: Record<PropertyType, string[]> = {
  string: ['text', 'textarea', 'phonenumber', 'html', 'file'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  bool: ['booleancheckbox'],
};

/** Property and group definitions per object type, with HubSpot's rules for creating and editing them. */
export class PropertyRegistry {
  private readonly properties = new Map<string, Map<string, PropertyDefinition>>();
  private readonly groups = new Map<string, Map<string, PropertyGroup>>();

  constructor(objectTypes: readonly string[], private readonly clock: () => number) {
    const now = clock();
    for (const type of objectTypes) {
      const defaults = defaultDefinitions(type, now);
      this.properties.set(type, new Map(defaults.properties.map((p) => [p.name, p])));
      this.groups.set(type, new Map(defaults.groups.map((g) => [g.name, g])));
    }
  }

  list(objectType: string, archived = false): PropertyDefinition[] {
    return [...this.definitions(objectType).values()].filter((p) => p.archived === archived);
  }

  find(objectType: string, name: string): PropertyDefinition | undefined {
    const def = this.properties.get(objectType)?.get(name);
    return def && !def.archived ? def : undefined;
  }

  get(objectType: string, name: string): PropertyDefinition {
    const def = this.find(objectType, name);
    if (!def) throw notFound(`Unable to find property ${name} for object type ${objectType}`, { propertyName: [name] });
    return def;
  }

  create(objectType: string, input: PropertyInput): PropertyDefinition {
    const defs = this.definitions(objectType);
    if (!/^[a-z][a-z0-9_]*$/.test(input.name)) {
      throw validationError(`Property name ${input.name} is invalid: use lower case letters, digits and underscores, starting with a letter.`);
    }
    if (defs.has(input.name)) throw conflict(`A property named '${input.name}' already exists.`, { name: [input.name] });
    this.checkShape(objectType, input.type, input.fieldType, input.groupName, input.options);
    const now = this.clock();
    const def: PropertyDefinition = {
      name: input.name, label: input.label, type: input.type, fieldType: input.fieldType, groupName: input.groupName,
      description: input.description ?? '', options: toOptions(input.options ?? []),
      displayOrder: input.displayOrder ?? -1, hasUniqueValue: input.hasUniqueValue ?? false, hidden: input.hidden ?? false,
      hubspotDefined: false, readOnlyValue: false, externalOptions: false, createdAt: now, updatedAt: now, archived: false,
    };
    defs.set(def.name, def);
    return def;
  }

  /** Editing is how a portal customises e.g. its lifecycle stages (add, remove, reorder options). */
  update(objectType: string, name: string, patch: PropertyPatch): PropertyDefinition {
    const def = this.get(objectType, name);
    const type = patch.type ?? def.type;
    const fieldType = patch.fieldType ?? def.fieldType;
    const options = patch.options ?? (type === 'enumeration' ? def.options : []);
    this.checkShape(objectType, type, fieldType, patch.groupName ?? def.groupName, def.externalOptions ? [{ label: '', value: '' }] : options);
    const updated: PropertyDefinition = {
      ...def,
      ...(patch.label !== undefined ? { label: patch.label } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.groupName !== undefined ? { groupName: patch.groupName } : {}),
      ...(patch.displayOrder !== undefined ? { displayOrder: patch.displayOrder } : {}),
      ...(patch.hidden !== undefined ? { hidden: patch.hidden } : {}),
      type, fieldType,
      options: patch.options ? toOptions(patch.options) : def.options,
      updatedAt: this.clock(),
    };
    this.definitions(objectType).set(name, updated);
    return updated;
  }

  archive(objectType: string, name: string): void {
    const def = this.get(objectType, name);
    if (def.hubspotDefined) throw validationError(`Property ${name} is defined by HubSpot and cannot be archived.`);
    this.definitions(objectType).set(name, { ...def, archived: true, updatedAt: this.clock() });
  }

  listGroups(objectType: string): PropertyGroup[] {
    return [...this.groupMap(objectType).values()].filter((g) => !g.archived);
  }

  getGroup(objectType: string, name: string): PropertyGroup {
    const group = this.groupMap(objectType).get(name);
    if (!group || group.archived) throw notFound(`Unable to find property group ${name} for object type ${objectType}`);
    return group;
  }

  createGroup(objectType: string, input: { name: string; label: string; displayOrder?: number }): PropertyGroup {
    const groups = this.groupMap(objectType);
    if (groups.get(input.name)?.archived === false) {
      throw conflict(`A property group named '${input.name}' already exists.`, { name: [input.name] });
    }
    const group = { name: input.name, label: input.label, displayOrder: input.displayOrder ?? -1, archived: false };
    groups.set(group.name, group);
    return group;
  }

  private checkShape(objectType: string, type: PropertyType, fieldType: string, groupName: string, options?: unknown[]): void {
    if (!fieldTypesByType[type].includes(fieldType)) {
      throw validationError(`fieldType ${fieldType} is not valid for type ${type}; use one of ${fieldTypesByType[type].join(', ')}.`);
    }
    if (!this.groupMap(objectType).has(groupName)) {
      throw validationError(`Property group ${groupName} does not exist for object type ${objectType}.`, [], { groupName: [groupName] });
    }
    if (type === 'enumeration' && (!options || options.length === 0)) {
      throw validationError('Enumeration properties need at least one option.');
    }
  }

  private definitions(objectType: string): Map<string, PropertyDefinition> {
    let defs = this.properties.get(objectType);
    if (!defs) this.properties.set(objectType, (defs = new Map()));
    return defs;
  }

  private groupMap(objectType: string): Map<string, PropertyGroup> {
    let groups = this.groups.get(objectType);
    if (!groups) this.groups.set(objectType, (groups = new Map()));
    return groups;
  }
}

function toOptions(input: NonNullable<PropertyInput['options']>): PropertyOption[] {
  return input.map((o, i) => ({
    label: o.label, value: o.value, displayOrder: o.displayOrder ?? i, hidden: o.hidden ?? false,
    ...(o.description !== undefined ? { description: o.description } : {}),
  }));
}
