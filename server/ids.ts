import { randomUUID } from 'node:crypto';

/** Prefixed ids tell a person reading a log or a HubSpot property what the id points at. */
export function newId(prefix: 'prg' | 'enr' | 'ref' | 'rwd' | 'run' | 'evt' | 'sub'): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}
