import { findMentions, scrubMentions } from '../../../server/privacy/erase-subject';
import { ERASED, type PersonIdentifiers } from '../../../server/privacy/scrub';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';

const EMAIL = 'Zoe.Quill@Example.org';

function buildIdentifiers(texts: string[]): PersonIdentifiers {
  return { contactId: '4242', pseudonym: 'erased:bbbbbbbbbbbbbbbbbbbbbbbb', texts: texts.map((value) => ({ value, replacement: ERASED })), ownValues: [] };
}

async function audit(db: TestDatabase, data: unknown) {
  await db.db.insertInto('audit_events').values({
    entity: 'referral', entity_id: 'ref_x', from_status: null, to_status: 'captured', actor_type: 'public', actor_id: null,
    reason: null, data: JSON.stringify(data), at: 1,
  }).execute();
}

/**
 * The search for a person's mentions runs before the erasure's transaction; the transaction must
 * still catch what was written in between, and identifiers it learns only then.
 */
describe.each(dialects)('finding a person\'s mentions around the erasure transaction, on %s', (dialect) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(dialect);
  });
  afterEach(() => db.drop());

  const dataOfAll = async () => (await db.db.selectFrom('audit_events').select('data').orderBy('id').execute()).map((r) => JSON.parse(r.data!));

  it('scrubs rows found before, rows added after the search, and rows naming an identifier learnt in the transaction', async () => {
    await audit(db, { note: `mail ${EMAIL}` });
    await audit(db, { note: 'someone else', contactId: '42420' });
    await audit(db, { code: 'ZOE-2345' });
    const found = await findMentions(db, buildIdentifiers([EMAIL]));
    await audit(db, { note: `again ${EMAIL.toUpperCase()}`, referredContactId: '4242' });

    const changed = await db.db.transaction().execute((trx) => scrubMentions(trx, dialect, buildIdentifiers([EMAIL, 'ZOE-2345']), found));

    expect(changed).toBe(3);
    expect(await dataOfAll()).toEqual([
      { note: `mail ${ERASED}` },
      { note: 'someone else', contactId: '42420' },
      { code: ERASED },
      { note: `again ${ERASED}`, referredContactId: 'erased:bbbbbbbbbbbbbbbbbbbbbbbb' },
    ]);
  });
});
