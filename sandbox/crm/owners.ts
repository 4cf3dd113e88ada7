import { notFound } from './errors';

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

/** The portal's users who can own records (`hubspot_owner_id` values). */
export class OwnerDirectory {
  private owners = new Map<string, Owner>();
  private nextId = 1001;

  constructor(private readonly clock: () => number) {}

  add(input: { email: string; firstName: string; lastName: string }): Owner {
    const now = this.clock();
    const id = this.nextId++;
    const owner: Owner = { id: String(id), userId: 5_000_000 + id, createdAt: now, updatedAt: now, archived: false, ...input };
    this.owners.set(owner.id, owner);
    return owner;
  }

  list(archived = false): Owner[] {
    return [...this.owners.values()].filter((o) => o.archived === archived);
  }

  ids(): string[] {
    return this.list().map((o) => o.id);
  }

  /** By owner id, or by user id like HubSpot's `idProperty=userId`. */
  get(id: string, idProperty: 'id' | 'userId' = 'id'): Owner {
    const owner = idProperty === 'id' ? this.owners.get(id) : this.list().find((o) => String(o.userId) === id);
    if (!owner) throw notFound(`Owner ${id} not found`, { ownerId: [id] });
    return owner;
  }

  clear(): void {
    this.owners = new Map();
    this.nextId = 1001;
  }
}
