import type { Harness } from './harness';

let contactNumber = 0;
export function buildContact(overrides: Record<string, string> = {}): Record<string, string> {
  contactNumber++;
  return { email: `person${contactNumber}@example.com`, firstname: `Person${contactNumber}`, lastname: 'Test', lifecyclestage: 'customer', ...overrides };
}

/**
 * Adds contacts straight into the sandbox portal (fast for thousands); returns their ids. They stand
 * for contacts the portal held before the test, so search finds them at once (no indexing delay).
 */
export function addContacts(h: Harness, count: number, overrides: (i: number) => Record<string, string> = () => ({})): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 100) {
    const inputs = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({ properties: buildContact(overrides(i + j)) }));
    ids.push(...h.sandbox.portal.createMany('contacts', inputs, { indexed: true }).map((r) => r.id));
  }
  return ids;
}
