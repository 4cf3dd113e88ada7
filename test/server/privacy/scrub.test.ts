import { ERASED, scrubValue, type PersonIdentifiers } from '../../../server/privacy/scrub';

function buildIdentifiers(overrides: Partial<PersonIdentifiers> = {}): PersonIdentifiers {
  return {
    contactId: '7',
    pseudonym: 'erased:aaaaaaaaaaaaaaaaaaaaaaaa',
    texts: [{ value: 'ana@example.org', replacement: ERASED }, { value: 'https://r.example/r/ANA-2345', replacement: ERASED }, { value: 'ANA-2345', replacement: 'erased:enr_1' }],
    ownValues: [],
    ...overrides,
  };
}

describe('scrubbing one person out of free text', () => {
  it('replaces a contact id only where it is named a contact, never inside other ids and numbers', () => {
    const ids = buildIdentifiers();
    const payload = JSON.stringify({
      callbackId: 'ap-1-7-7-0', origin: { portalId: 7 }, object: { objectId: '7', objectType: 'CONTACT', properties: { email: 'x@y.org' } },
      referredContactId: '7', attempts: 7, note: 'sync-contact:7 and contact 7 and deal 7',
    });
    expect(JSON.parse(scrubValue(payload, ids))).toEqual({
      callbackId: 'ap-1-7-7-0', origin: { portalId: 7 }, object: { objectId: ids.pseudonym, objectType: 'CONTACT', properties: {} },
      referredContactId: ids.pseudonym, attempts: 7, note: `sync-contact:${ids.pseudonym} and contact ${ids.pseudonym} and deal 7`,
    });
    expect(scrubValue('hubspot.sync-contact:77', ids)).toBe('hubspot.sync-contact:77');
  });

  it('replaces emails, links and codes in any case, the link whole, and keeps JSON valid', () => {
    const ids = buildIdentifiers();
    expect(scrubValue('Sent to ANA@Example.org via https://r.example/r/ANA-2345 (code ana-2345)', ids))
      .toBe(`Sent to ${ERASED} via ${ERASED} (code erased:enr_1)`);
    const data = '{"code":"ANA-2345","programId":"spring"}';
    expect(JSON.parse(scrubValue(data, ids))).toEqual({ code: 'erased:enr_1', programId: 'spring' });
    const untouched = '{ "programId": "spring" }';
    expect(scrubValue(untouched, ids)).toBe(untouched);
  });

  it('drops the property values read from their record and any address from their own rows only', () => {
    const ids = buildIdentifiers({ ownValues: ['Ana Lopez'] });
    const evidence = JSON.stringify({ objectType: 'contact', objectId: '7', propertyName: 'full_name', value: 'Ana Lopez', reason: 'full_name is "Ana Lopez"' });
    expect(JSON.parse(scrubValue(evidence, ids, true))).toEqual({
      objectType: 'contact', objectId: ids.pseudonym, propertyName: 'full_name', value: ERASED, reason: `full_name is "${ERASED}"`,
    });
    expect(scrubValue('paypal:someone.else@example.net', ids, true)).toBe(`paypal:${ERASED}`);
    expect(scrubValue('paypal:someone.else@example.net', ids)).toBe('paypal:someone.else@example.net');
  });
});
