import { handle as explain } from '../../src/functions/explain';
import type { FunctionDeps } from '../../src/functions/lib/define-function';
import type { MatchPreview, WhyAnswer } from '../../src/app/packages/contracts/explain';
import { addContacts } from '../support/contacts';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../support/harness';
import { createReferral } from '../support/ledger';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const deps = (): FunctionDeps => ({ env: { SERVICE_URL: h.url, SERVICE_ADMIN_KEY: TEST_ADMIN_KEY }, fetch });

describe('explain function, through the service against the sandbox', () => {
  test('preview: the match count equals the seeded contacts that satisfy the draft criteria', async () => {
    h.sandbox.portal.clearRecords();
    addContacts(h, 6, (i) => ({ lifecyclestage: i % 2 === 0 ? 'evangelist' : 'lead', company: i < 4 ? 'Acme' : 'Globex' }));
    const criteria = [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'evangelist' }, { propertyName: 'company', operator: 'EQ', value: 'Acme' }] }];

    const result = await explain({ parameters: { action: 'preview', criteria } }, deps());

    expect(result.ok && (result.data as MatchPreview).total).toBe(2);
  });

  test('preview: a condition the search cannot take comes back with its field path, for the page to show there', async () => {
    const criteria = [{ filters: [{ propertyName: 'company', operator: 'IN', values: [] }] }];
    const result = await explain({ parameters: { action: 'preview', criteria } }, deps());
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION_FAILED', issues: [{ path: 'enrolment.criteria.0.filters.0.values', message: 'Enter at least one value for IN' }] }) });
  });

  test('why: on a contact record, explains the record it is on', async () => {
    await createProgram(h, { id: 'card' });
    const { friendId } = await createReferral(h, { programId: 'card', capturedAt: Date.now() - 60_000 });
    const result = await explain({ parameters: { action: 'why', contactId: '1' }, propertiesToSend: { hs_object_id: friendId } }, deps());
    const answer = result.ok ? (result.data as WhyAnswer) : undefined;
    expect(answer?.contact.contactId).toBe(friendId);
    expect(answer?.programs.find((p) => p.programId === 'card')?.qualification?.decision).toMatchObject({ referralStatus: 'not_qualified' });
  });

  test('bad parameters are refused before the service is called', async () => {
    const result = await explain({ parameters: { action: 'search', q: 'x' } }, deps());
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_PARAMETERS', issues: [{ path: 'q', message: 'enter at least 2 characters' }] }) });
  });
});
