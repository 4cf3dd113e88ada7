import { Alert, Button, Input, Link, LoadingButton, StatusTag, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { WhyPanel } from '../../../src/app/settings/WhyPanel';
import { buildProgramWhy, buildQualification, buildWhyAnswer } from '../explain-factories';
import { fail, mockFunctions, ok } from '../factories';

afterEach(() => jest.restoreAllMocks());

const texts = (r: ReturnType<typeof createRenderer>) => r.findAll(Text).map((t) => t.text);

async function findAndChoose(r: ReturnType<typeof createRenderer>, query: string) {
  r.find(Input, { name: 'why-query' }).trigger('onChange', query as never);
  r.find(LoadingButton).trigger('onClick');
  await r.waitFor(() => r.findByTestId(Button, 'why-contact-901'));
  r.findByTestId(Button, 'why-contact-901').trigger('onClick');
}

describe('"why?" panel', () => {
  test('finds a contact by name, then shows the enrolment verdict and the decision guard by guard with the evidence', async () => {
    const fns = mockFunctions({
      explain: (p) => (p.action === 'search'
        ? ok({ contacts: [{ contactId: '901', name: 'Ben Brown', email: 'ben@example.org', url: 'https://app.hubspot.com/contacts/555/record/0-1/901' }] })
        : ok(buildWhyAnswer())),
    });
    const r = createRenderer('settings');
    r.render(<WhyPanel programId="spring-2026" locale="en-US" />);
    expect(r.find(LoadingButton).props.disabled).toBe(true);
    await findAndChoose(r, 'ben');
    await r.waitFor(() => r.findByTestId(Text, 'guard-outside_window'));

    expect(fns.calls.map((c) => c.parameters)).toEqual([{ action: 'search', q: 'ben' }, { action: 'why', contactId: '901', programId: 'spring-2026' }]);
    expect(r.find(Link).props.href).toEqual({ url: 'https://app.hubspot.com/contacts/555/record/0-1/901', external: true });
    expect(texts(r)).toContain(' Matches none of the enrolment rules (rule 1: lifecyclestage is evangelist (it is "lead"))');
    expect(texts(r)).toContain('✗ lifecyclestage eq evangelist (now "lead")');
    expect(r.findAll(StatusTag).map((t) => t.text)).toEqual(['Would not be enrolled', 'Rejected', 'Pass', 'Fail']);
    expect(r.findByTestId(Text, 'guard-outside_window').text)
      .toBe(' Within the qualification window: The referral is 400 days old; the program rewards milestones within 365 days (rejects the referral once the milestone is met)');
    expect(r.findByTestId(Text, 'deal-55').text).toBe('Deal 55: Closed Won in Sales Pipeline, amount 1234 EUR, won Apr 1, 2026');
    expect(texts(r)).toContain('History: Lead (Mar 10, 2026) → Customer (Apr 1, 2026)');
  });

  test('a reward waiting for review shows its amount and why it waits', async () => {
    const qualification = buildQualification({
      guards: [],
      decision: {
        referralStatus: 'qualified', rewardStatus: 'pending_review', reason: 'Lifecycle stage is Customer. The workflow waits for a reviewer: Above 10.00 USD',
        waitsForReview: true, referralBecomes: 'qualified',
        rewards: [{ recipient: 'referrer', kind: 'credit', amount: 5000, currency: 'USD', status: 'pending_review', reviewReasons: ['Above 10.00 USD'] }],
      },
    });
    mockFunctions({
      explain: (p) => (p.action === 'search'
        ? ok({ contacts: [{ contactId: '901', name: 'Ben Brown', email: null, url: 'https://app.hubspot.com/contacts/555/record/0-1/901' }] })
        : ok(buildWhyAnswer([buildProgramWhy({ qualification })]))),
    });
    const r = createRenderer('settings');
    r.render(<WhyPanel programId="spring-2026" locale="en-US" />);
    await findAndChoose(r, 'ben');
    await r.waitFor(() => expect(texts(r)).toContain('Reward for the referrer: $50.00 (pending review): Above 10.00 USD'));
    expect(texts(r).some((t) => t?.includes('The workflow would wait for a reviewer.'))).toBe(true);
  });

  test('says when nobody is found, and why the search failed', async () => {
    let attempt = 0;
    mockFunctions({ explain: () => (++attempt === 1 ? ok({ contacts: [] }) : fail('UNREACHABLE', 'The referral service could not be reached.')) });
    const r = createRenderer('settings');
    r.render(<WhyPanel programId="spring-2026" locale="en-US" />);
    r.find(Input, { name: 'why-query' }).trigger('onChange', 'nobody' as never);
    r.find(LoadingButton).trigger('onClick');
    await r.waitFor(() => expect(texts(r).some((t) => t?.startsWith('No contact found.'))).toBe(true));
    r.find(LoadingButton).trigger('onClick');
    await r.waitFor(() => expect(r.find(Alert).text).toBe('The referral service could not be reached.'));
  });
});
