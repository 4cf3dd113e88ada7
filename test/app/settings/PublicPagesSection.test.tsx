import { Alert, Button, Input, LoadingButton, Modal, MultiSelect, Select, TextArea, Toggle } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { parseProgram } from '../../../src/app/packages/domain/program';
import { SettingsPage } from '../../../src/app/settings/SettingsPage';
import { handle as programSettings } from '../../../src/functions/program-settings';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';
import { dialects } from '../../support/databases';
import { mockFunctions, ok } from '../factories';
import { mockSettings } from './portal-options-factory';

afterEach(() => jest.restoreAllMocks());

/** A program as the service lists it: parsed, defaults filled in. */
function buildProgram(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const parsed = parseProgram({ id: 'spring-2026', name: 'Spring referrals', rewards: { referrer: { kind: 'gift_card', amount: 2500, currency: 'EUR' } }, ...overrides });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.program;
}

type R = ReturnType<typeof createRenderer>;

/** The settings page with one program open; the settings function answers with `program` and echoes saves. */
async function open(program: Record<string, unknown> = buildProgram()) {
  const fns = mockSettings((p) => (p.action === 'list' ? ok({ programs: [program] }) : ok({ program: p.program })));
  const r = createRenderer('settings');
  Object.assign(r.mocks.context.user, { id: 42, email: 'admin@example.com' });
  r.render(<SettingsPage />);
  await r.waitFor(() => r.find(Select, { name: 'program' }));
  r.find(Select, { name: 'program' }).trigger('onChange', program.id as never);
  return { r, fns };
}

const input = (r: R, name: string) => r.find(Input, { name });
const area = (r: R, name: string) => r.find(TextArea, { name });
const languages = (r: R) => r.find(MultiSelect, { name: 'locales' });
const saves = (fns: ReturnType<typeof mockSettings>) => fns.calls.filter((c) => c.parameters.action === 'save');

async function save(r: R, fns: ReturnType<typeof mockSettings>) {
  r.find(LoadingButton).trigger('onClick');
  await r.waitFor(() => expect(saves(fns)).toHaveLength(1));
  return saves(fns)[0]!.parameters.program as Record<string, unknown>;
}

describe('public pages section', () => {
  test('offers the six page languages by name, and translations only for the languages chosen after the first', async () => {
    const { r } = await open(buildProgram({ locales: ['de', 'fr'] }));
    expect(languages(r).props.options.map((o) => o.label))
      .toEqual(['English', 'German (Deutsch)', 'French (Français)', 'Spanish (Español)', 'Dutch (Nederlands)', 'Portuguese (Português)']);
    expect(languages(r).props.value).toEqual(['de', 'fr']);
    expect(r.find(Select, { name: 'locales.0' }).props.value).toBe('de');
    expect(r.findAll(Input, { name: 'pages.translations.fr.headline' })).toHaveLength(1);
    expect(r.findAll(Input, { name: 'pages.translations.de.headline' })).toHaveLength(0);
    expect(r.findAll(Input, { name: 'pages.translations.es.headline' })).toHaveLength(0);
  });

  test("each field shows what the program says, at the program's own path", async () => {
    const { r } = await open(buildProgram({
      locales: ['en', 'de'],
      enrolment: { brand: { headline: 'Bring a friend', description: 'Both of you get 25 EUR.', primaryColor: '#0a7d5a', logoUrl: 'https://cdn.example.com/logo.svg' }, consentText: 'I agree.' },
      pages: { showReferrerName: true, termsUrl: 'https://example.com/terms', shareMessage: 'Try it: {link}', translations: { de: { headline: 'Bring einen Freund mit', description: 'Ihr bekommt beide 25 EUR.', consentText: 'Ich stimme zu.', shareMessage: 'Probier es: {link}' } } },
    }));
    expect(r.find(Toggle, { name: 'pages.showReferrerName' }).props.checked).toBe(true);
    expect(input(r, 'pages.termsUrl').props.value).toBe('https://example.com/terms');
    expect(input(r, 'enrolment.brand.primaryColor').props.value).toBe('#0a7d5a');
    expect(input(r, 'enrolment.brand.logoUrl').props.value).toBe('https://cdn.example.com/logo.svg');
    expect(input(r, 'enrolment.brand.headline').props.value).toBe('Bring a friend');
    expect(area(r, 'enrolment.brand.description').props.value).toBe('Both of you get 25 EUR.');
    expect(area(r, 'enrolment.consentText').props.value).toBe('I agree.');
    expect(area(r, 'pages.shareMessage').props.value).toBe('Try it: {link}');
    expect(input(r, 'pages.translations.de.headline').props).toMatchObject({ value: 'Bring einen Freund mit', label: 'Headline in German' });
    expect(area(r, 'pages.translations.de.description').props.value).toBe('Ihr bekommt beide 25 EUR.');
    expect(area(r, 'pages.translations.de.consentText').props.value).toBe('Ich stimme zu.');
    expect(area(r, 'pages.translations.de.shareMessage').props.value).toBe('Probier es: {link}');
  });

  test('every edit lands at its path and saving sends the edited program through the settings function', async () => {
    const { r, fns } = await open();
    expect(languages(r).props.value).toEqual(['en']);
    expect(r.find(Toggle, { name: 'pages.showReferrerName' }).props.checked).toBe(false);
    languages(r).trigger('onChange', ['en', 'de', 'fr'] as never);
    r.find(Select, { name: 'locales.0' }).trigger('onChange', 'de' as never);
    r.find(Toggle, { name: 'pages.showReferrerName' }).trigger('onChange', true as never);
    input(r, 'pages.termsUrl').trigger('onChange', 'https://example.com/terms' as never);
    input(r, 'enrolment.brand.primaryColor').trigger('onChange', '#0A7D5A' as never);
    input(r, 'enrolment.brand.logoUrl').trigger('onChange', 'https://cdn.example.com/logo.svg' as never);
    input(r, 'enrolment.brand.headline').trigger('onChange', 'Bring einen Freund mit' as never);
    area(r, 'enrolment.brand.description').trigger('onChange', 'Ihr bekommt beide 25 EUR.' as never);
    area(r, 'enrolment.consentText').trigger('onChange', 'Ich stimme zu.' as never);
    area(r, 'pages.shareMessage').trigger('onChange', 'Probier es: {link}' as never);
    // With German first, English is the extra language that gets its own words.
    expect(r.findAll(Input, { name: 'pages.translations.de.headline' })).toHaveLength(0);
    input(r, 'pages.translations.en.headline').trigger('onChange', 'Bring a friend' as never);
    area(r, 'pages.translations.en.shareMessage').trigger('onChange', 'Try it: {link}' as never);
    area(r, 'pages.translations.fr.consentText').trigger('onChange', "J'accepte." as never);

    const sent = await save(r, fns);
    expect(sent).toMatchObject({
      locales: ['de', 'en', 'fr'],
      enrolment: { brand: { headline: 'Bring einen Freund mit', description: 'Ihr bekommt beide 25 EUR.', primaryColor: '#0A7D5A', logoUrl: 'https://cdn.example.com/logo.svg' }, consentText: 'Ich stimme zu.' },
      pages: { showReferrerName: true, termsUrl: 'https://example.com/terms', shareMessage: 'Probier es: {link}' },
    });
    expect((sent.pages as { translations: unknown }).translations).toEqual({ en: { headline: 'Bring a friend', shareMessage: 'Try it: {link}' }, fr: { consentText: "J'accepte." } });
    expect(saves(fns)[0]!.parameters.actor).toEqual({ userId: '42', email: 'admin@example.com' });
  });

  test("a share message without {link} shows the domain's message at that field and nothing is sent", async () => {
    const { r, fns } = await open(buildProgram({ locales: ['en', 'nl'] }));
    area(r, 'pages.shareMessage').trigger('onChange', 'Join me, it is great!' as never);
    area(r, 'pages.translations.nl.shareMessage').trigger('onChange', 'Doe mee: {lnik}' as never);
    expect(area(r, 'pages.shareMessage').props.description).toContain('{link} exactly once');
    r.find(LoadingButton).trigger('onClick');
    expect(area(r, 'pages.shareMessage').props).toMatchObject({ error: true, validationMessage: 'Share message must contain {link} exactly once, where the referral link goes' });
    expect(area(r, 'pages.translations.nl.shareMessage').props.validationMessage).toBe('Share message: {lnik} is not a placeholder; only {link} is replaced');
    expect(r.find(Alert, { title: 'Not saved' }).text).toBe('2 settings need fixing; see the marked fields.');
    expect(saves(fns)).toEqual([]);
  });

  test('adding a language keeps the language shown to everyone else first, whatever order the list reports', async () => {
    const { r, fns } = await open(buildProgram({ locales: ['fr', 'en'] }));
    languages(r).trigger('onChange', ['en', 'fr', 'de'] as never);
    expect(r.find(Select, { name: 'locales.0' }).props.value).toBe('fr');
    expect((await save(r, fns)).locales).toEqual(['fr', 'en', 'de']);
  });

  test('at least one language: removing them all is marked at the languages', async () => {
    const { r, fns } = await open();
    languages(r).trigger('onChange', [] as never);
    r.find(LoadingButton).trigger('onClick');
    expect(languages(r).props).toMatchObject({ error: true, validationMessage: 'Choose at least one language for the public pages' });
    expect(saves(fns)).toEqual([]);
    languages(r).trigger('onChange', ['pt'] as never);
    expect(languages(r).props.validationMessage).toBeUndefined();
  });

  test('a colour that is not hex, and a logo or terms link that is not https, are marked at their fields', async () => {
    const { r, fns } = await open();
    input(r, 'enrolment.brand.primaryColor').trigger('onChange', 'orange' as never);
    input(r, 'enrolment.brand.logoUrl').trigger('onChange', 'http://cdn.example.com/logo.svg' as never);
    input(r, 'pages.termsUrl').trigger('onChange', 'example.com/terms' as never);
    r.find(LoadingButton).trigger('onClick');
    expect(input(r, 'enrolment.brand.primaryColor').props.validationMessage).toBe('Primary colour must be a hex colour like #ff7a59');
    expect(input(r, 'enrolment.brand.logoUrl').props.validationMessage).toBe('Logo URL must be a full https:// address');
    expect(input(r, 'pages.termsUrl').props.validationMessage).toBe('Terms URL must be a full https:// address');
    expect(saves(fns)).toEqual([]);
  });

  test("removing a language asks nothing and drops its words; choosing it again while the page is open brings them back", async () => {
    const { r, fns } = await open(buildProgram({ locales: ['en', 'de', 'fr'], pages: { translations: { de: { headline: 'Freunde werben' }, fr: { headline: 'Parrainez un ami' } } } }));
    languages(r).trigger('onChange', ['en', 'fr'] as never);
    expect(r.findAll(Input, { name: 'pages.translations.de.headline' })).toHaveLength(0);
    expect(r.findAll(Modal)).toHaveLength(0);
    languages(r).trigger('onChange', ['en', 'fr', 'de'] as never);
    expect(input(r, 'pages.translations.de.headline').props.value).toBe('Freunde werben');
    languages(r).trigger('onChange', ['en', 'fr'] as never);
    const sent = await save(r, fns);
    expect(sent.locales).toEqual(['en', 'fr']);
    expect((sent.pages as { translations: unknown }).translations).toEqual({ fr: { headline: 'Parrainez un ami' } });
  });

  test('a translation typed and cleared again leaves nothing unsaved', async () => {
    const { r } = await open(buildProgram({ locales: ['en', 'es'] }));
    input(r, 'pages.translations.es.headline').trigger('onChange', 'Invita' as never);
    expect(r.findAll(Button, { testId: 'discard-changes' })).toHaveLength(1);
    input(r, 'pages.translations.es.headline').trigger('onChange', '' as never);
    expect(r.findAll(Button, { testId: 'discard-changes' })).toHaveLength(0);
  });
});

/**
 * The same section through the real settings function and service: what the admin saves is what
 * the public pages then show. HubSpot's function runner is the one stand-in.
 */
describe.each(dialects)('public pages settings, saved through the service (%s)', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(() => h.close());

  test('a German translation and the terms link saved in HubSpot reach the German sign-up page', async () => {
    const owner = h.sandbox.portal.owners.add({ firstName: 'Rita', lastName: 'Rossi', email: 'rita@sandbox-owners.example' }).id;
    await createProgram(h, { status: 'active', ownerId: owner, enrolment: { paths: ['hubspot', 'signup'] } });
    mockFunctions({ 'program-settings': (parameters) => programSettings({ parameters }, { env: { SERVICE_URL: h.url, SERVICE_ADMIN_KEY: TEST_ADMIN_KEY }, fetch }) });
    const r = createRenderer('settings');
    Object.assign(r.mocks.context.user, { id: 42, email: 'admin@example.com' });
    r.render(<SettingsPage />);
    const wait = (check: () => unknown) => r.waitFor(check, { timeoutInMs: 20_000 });
    await wait(() => r.find(Select, { name: 'program' }));
    r.find(Select, { name: 'program' }).trigger('onChange', 'spring' as never);

    languages(r).trigger('onChange', ['en', 'de'] as never);
    input(r, 'pages.translations.de.headline').trigger('onChange', 'Freunde werben, Prämie sichern' as never);
    input(r, 'pages.termsUrl').trigger('onChange', 'https://example.com/bedingungen' as never);
    r.find(Toggle, { name: 'pages.showReferrerName' }).trigger('onChange', true as never);
    r.find(LoadingButton).trigger('onClick');
    await wait(() => expect(r.mocks.actions.addAlert.calls).toEqual([[{ type: 'success', message: 'Spring referrals saved' }]]));

    const stored = JSON.parse((await h.database.db.selectFrom('programs').select('config').where('id', '=', 'spring').executeTakeFirstOrThrow()).config);
    expect(stored).toMatchObject({ locales: ['en', 'de'], pages: { showReferrerName: true, termsUrl: 'https://example.com/bedingungen', translations: { de: { headline: 'Freunde werben, Prämie sichern' } } } });

    const page = await fetch(`${h.url}/join/spring`, { headers: { 'Accept-Language': 'de-CH, de;q=0.9' } });
    const html = await page.text();
    expect(page.headers.get('content-language')).toBe('de');
    expect(html).toContain('Freunde werben, Prämie sichern');
    expect(html).toContain('href="https://example.com/bedingungen"');
  });
});
