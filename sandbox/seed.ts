import type { Portal, WriteSource } from './portal';
import { createRandom } from './prng';

export interface SeedOptions {
  contacts?: number;
  companies?: number;
  deals?: number;
  owners?: number;
  /** Same seed, same portal: names, stages, owners and associations are reproducible. */
  seed?: number;
}

export interface SeedSummary {
  owners: number;
  companies: number;
  contacts: number;
  deals: number;
}

const firstNames = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kara', 'Liam',
  'Maya', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wen', 'Yusuf', 'Zoe'];
const lastNames = ['Adams', 'Berg', 'Costa', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Kowalski',
  'Lopez', 'Moreau', 'Nakamura', 'Okafor', 'Patel', 'Rossi', 'Silva', 'Tanaka', 'Unger', 'Varga', 'Weber', 'Young', 'Zhang'];
const companyWords = ['Acme', 'Blue', 'Cedar', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kite',
  'Lumen', 'Maple', 'Nimbus', 'Orbit', 'Pine', 'Quartz', 'River', 'Summit', 'Tidal'];
const companySuffixes = ['Labs', 'Works', 'Systems', 'Group', 'Partners', 'Studio', 'Analytics', 'Logistics'];
const IMPORT: WriteSource = { sourceType: 'IMPORT', sourceId: 'sandbox-seed' };
const YEAR_MS = 365 * 86_400_000;
const CHUNK = 1000;

/**
 * Fills a portal with deterministic data: owners, companies, contacts (each with an owner, a
 * lifecycle stage from the portal's own options and usually a company) and deals in the portal's
 * pipelines, each associated with a contact. Records go in through the same validation as the API;
 * search finds them at once: they stand for data the portal held long before.
 */
export function seedPortal(portal: Portal, options: SeedOptions = {}): SeedSummary {
  const random = createRandom(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const now = portal.clock();
  const pastDate = () => new Date(now - Math.floor(random() * YEAR_MS)).toISOString();

  const existingOwners = portal.owners.list().length;
  for (let i = 0; i < (options.owners ?? 5); i++) {
    const firstName = pick(firstNames);
    const lastName = pick(lastNames);
    portal.owners.add({ firstName, lastName, email: `${firstName}.${lastName}.${existingOwners + i}@sandbox-owners.example`.toLowerCase() });
  }
  const ownerIds = portal.owners.ids();

  const companyIds: string[] = [];
  const companyCount = options.companies ?? 0;
  for (const chunk of chunks(companyCount)) {
    const records = portal.createMany('companies', chunk.map((i) => {
      const name = `${pick(companyWords)} ${pick(companySuffixes)}`;
      return { properties: {
        name, domain: `${name.toLowerCase().replace(/\s+/g, '-')}-${i}.example`, createdate: pastDate(),
        ...(ownerIds.length > 0 ? { hubspot_owner_id: pick(ownerIds) } : {}),
      } };
    }), { source: IMPORT, indexed: true });
    companyIds.push(...records.map((r) => r.id));
  }

  const stages = portal.propertyDefinition('contacts', 'lifecyclestage')?.options.map((o) => o.value) ?? [];
  const contactIds: string[] = [];
  const contactOffset = portal.count('contacts');
  for (const chunk of chunks(options.contacts ?? 0)) {
    const records = portal.createMany('contacts', chunk.map((i) => {
      const firstname = pick(firstNames);
      const lastname = pick(lastNames);
      return { properties: {
        firstname, lastname, email: `${firstname}.${lastname}.${contactOffset + i}@example.com`.toLowerCase(), createdate: pastDate(),
        ...(stages.length > 0 ? { lifecyclestage: pick(stages) } : {}),
        ...(ownerIds.length > 0 ? { hubspot_owner_id: pick(ownerIds) } : {}),
      } };
    }), { source: IMPORT, indexed: true });
    for (const record of records) {
      contactIds.push(record.id);
      if (companyIds.length > 0 && random() < 0.8) portal.associations.associate('contacts', record.id, 'companies', pick(companyIds), []);
    }
  }

  const pipelines = portal.pipelines.list();
  let deals = 0;
  for (const chunk of chunks(options.deals ?? 0)) {
    const records = portal.createMany('deals', chunk.map(() => {
      const pipeline = pick(pipelines);
      return { properties: {
        dealname: `${pick(companyWords)} renewal`, amount: String(Math.round(random() * 50_000) + 500),
        pipeline: pipeline.id, dealstage: pick(pipeline.stages).id, closedate: pastDate(), createdate: pastDate(),
        ...(ownerIds.length > 0 ? { hubspot_owner_id: pick(ownerIds) } : {}),
      } };
    }), { source: IMPORT, indexed: true });
    for (const record of records) {
      if (contactIds.length > 0) portal.associations.associate('deals', record.id, 'contacts', pick(contactIds), []);
    }
    deals += records.length;
  }
  return { owners: options.owners ?? 5, companies: companyIds.length, contacts: contactIds.length, deals };
}

function* chunks(count: number): Generator<number[]> {
  for (let start = 0; start < count; start += CHUNK) {
    yield Array.from({ length: Math.min(CHUNK, count - start) }, (_, k) => start + k);
  }
}
