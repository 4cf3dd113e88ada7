import { Alert, Button, EmptyState, Flex, ErrorState, Link, LoadingButton, LoadingSpinner, Select, StatisticsItem, StatusTag, Tag, Text, TextArea } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { ReferralCard } from '../../../src/app/cards/ReferralCard';
import { buildEnrolment, buildReferral, buildReferredBy, buildReward, buildStoryAnswer, fail, mockFunctions, ok } from '../factories';

afterEach(() => jest.restoreAllMocks());

function setup(locale = 'en-US') {
  const renderer = createRenderer('crm.record.sidebar');
  Object.assign(renderer.mocks.context.user, { id: 42, email: 'reviewer@example.com', locale });
  renderer.mocks.context.crm.objectId = 123;
  renderer.mocks.context.portal.id = 555;
  return renderer;
}

const flushPromises = () => new Promise<void>((resolve) => setImmediate(resolve));
const texts = (nodes: { text: string | null }[]) => nodes.map((n) => n.text);

describe('referral card', () => {
  test('shows a spinner while the story loads', () => {
    mockFunctions({ 'referral-story': () => new Promise(() => undefined) });
    const { render, find } = setup();
    render(<ReferralCard />);
    expect(find(LoadingSpinner).props.label).toBe('Loading referral activity');
  });

  test('asks the function for this record by id', async () => {
    const fns = mockFunctions({ 'referral-story': () => ok(buildStoryAnswer()) });
    const { render, waitFor, find } = setup();
    render(<ReferralCard />);
    await waitFor(() => find(EmptyState));
    expect(fns.calls[0]).toEqual({ name: 'referral-story', parameters: { contactId: '123' }, propertiesToSend: ['hs_object_id'] });
  });

  test('an error says what went wrong and retrying loads the story', async () => {
    let attempt = 0;
    mockFunctions({
      'referral-story': () => (++attempt === 1 ? fail('UNREACHABLE', 'The referral service could not be reached.') : ok(buildStoryAnswer())),
    });
    const { render, waitFor, find, maybeFind } = setup();
    render(<ReferralCard />);
    await waitFor(() => expect(find(ErrorState).find(Text).text).toBe('The referral service could not be reached.'));
    find(ErrorState).find(Button).trigger('onClick');
    await waitFor(() => expect(maybeFind(EmptyState)).not.toBeNull());
    expect(attempt).toBe(2);
  });

  test('a crashed function is reported, not swallowed', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    mockFunctions({});
    const { render, waitFor, find } = setup();
    render(<ReferralCard />);
    await waitFor(() => expect(find(ErrorState).find(Text).text).toContain('Could not run referral-story (Function referral-story not found)'));
  });

  describe('for a referrer', () => {
    const answer = buildStoryAnswer(
      {
        enrolments: [buildEnrolment({ rewardsTotal: [{ currency: 'EUR', amount: 123450 }] })],
        referrals: [buildReferral({ id: 'ref-1', referredContactId: '901', status: 'qualified' }), buildReferral({ id: 'ref-2', referredContactId: '902', email: 'cleo@example.org', status: 'captured', qualifiedAt: null })],
      },
      { '901': { name: 'Ben Brown', email: 'ben@example.org' } },
    );

    test('shows code, link, counts and earnings in the user locale', async () => {
      mockFunctions({ 'referral-story': () => ok(answer) });
      const { render, waitFor, find, findAll, findByTestId } = setup('de-DE');
      render(<ReferralCard />);
      await waitFor(() => find(StatisticsItem));
      expect(findByTestId(Text, 'code-spring-2026').text).toBe('ANNA-7K2Q');
      expect(findAll(Link).map((l) => l.props.href)).toContain('https://referrals.example.com/r/ANNA-7K2Q');
      expect(findAll(StatisticsItem).map((s) => [s.props.label, s.props.number])).toEqual([['Referred', 3], ['Qualified', 2], ['Rewarded', 1]]);
      expect(findByTestId(Text, 'earned-spring-2026').text?.replace(/\s/g, ' ')).toBe('Rewards earned: 1.234,50 €');
    });

    test('lists the latest referrals with status, linking to their records', async () => {
      mockFunctions({ 'referral-story': () => ok(answer) });
      const { render, waitFor, findByTestId } = setup();
      render(<ReferralCard />);
      await waitFor(() => findByTestId(Flex, 'referral-ref-1'));
      const first = findByTestId(Flex, 'referral-ref-1');
      expect(first.find(Link).props.href).toBe('https://app.hubspot.com/contacts/555/record/0-1/901');
      expect(first.find(Link).text).toBe('Ben Brown');
      expect(first.find(StatusTag).text).toBe('Qualified');
      const second = findByTestId(Flex, 'referral-ref-2');
      // without a name from HubSpot the email identifies the person
      expect(second.find(Link).text).toBe('cleo@example.org');
      expect(second.find(StatusTag).text).toBe('Waiting for milestone');
    });

    test('copies the link and confirms it', async () => {
      mockFunctions({ 'referral-story': () => ok(answer) });
      const { render, waitFor, findByTestId, mocks } = setup();
      mocks.actions.copyTextToClipboard.willCall(async () => undefined);
      render(<ReferralCard />);
      await waitFor(() => findByTestId(Button, 'copy-link-spring-2026'));
      findByTestId(Button, 'copy-link-spring-2026').trigger('onClick');
      // the clipboard answers asynchronously without re-rendering, so let its promise settle
      await flushPromises();
      expect(mocks.actions.addAlert.calls).toEqual([[{ type: 'success', message: 'Referral link copied' }]]);
      expect(mocks.actions.copyTextToClipboard.calls).toEqual([['https://referrals.example.com/r/ANNA-7K2Q']]);
    });

    test('a new dashboard link is made only after the user confirms, as that user, and the card reloads', async () => {
      const fns = mockFunctions({
        'referral-story': (p) => ok(p.action ? { ...answer, dashboardLink: 'https://referrals.example.com/me/new' } : answer),
      });
      const { render, waitFor, findByTestId, findAll, mocks } = setup();
      render(<ReferralCard />);
      await waitFor(() => findByTestId(Button, 'rotate-dashboard-spring-2026'));
      findByTestId(Button, 'rotate-dashboard-spring-2026').trigger('onClick');
      expect(findByTestId(Text, 'rotate-dashboard-warning-spring-2026').text).toContain('stops working at once');
      expect(fns.calls.filter((c) => c.parameters.action)).toEqual([]);
      findAll(Button).find((b) => b.text === 'Cancel')!.trigger('onClick');
      findByTestId(Button, 'rotate-dashboard-spring-2026').trigger('onClick');
      findByTestId(LoadingButton, 'confirm-rotate-dashboard-spring-2026').trigger('onClick');
      await waitFor(() => expect(mocks.actions.addAlert.calls).toHaveLength(1));
      expect(fns.calls.filter((c) => c.parameters.action)).toEqual([{
        name: 'referral-story',
        parameters: { action: 'rotate-dashboard-link', programId: 'spring-2026', contactId: '123', actor: { userId: '42', email: 'reviewer@example.com' } },
        propertiesToSend: ['hs_object_id'],
      }]);
      expect(mocks.actions.addAlert.calls[0]).toEqual([{ type: 'success', message: 'New dashboard link written to the contact; the old link no longer opens the dashboard' }]);
      expect(mocks.actions.refreshObjectProperties.calls).toHaveLength(1);
    });

    test('a refused rotation shows why and keeps the confirmation open', async () => {
      mockFunctions({ 'referral-story': (p) => (p.action ? fail('NOT_FOUND', 'Contact 123 is not a referrer in program "spring-2026"') : ok(answer)) });
      const { render, waitFor, find, findByTestId, mocks } = setup();
      render(<ReferralCard />);
      await waitFor(() => findByTestId(Button, 'rotate-dashboard-spring-2026'));
      findByTestId(Button, 'rotate-dashboard-spring-2026').trigger('onClick');
      findByTestId(LoadingButton, 'confirm-rotate-dashboard-spring-2026').trigger('onClick');
      await waitFor(() => expect(find(Alert).text).toContain('is not a referrer in program'));
      expect(findByTestId(LoadingButton, 'confirm-rotate-dashboard-spring-2026')).toBeTruthy();
      expect(mocks.actions.addAlert.calls).toEqual([]);
    });

    test('says how to start when nobody has been referred yet', async () => {
      mockFunctions({ 'referral-story': () => ok(buildStoryAnswer({ enrolments: [buildEnrolment({ rewardsTotal: [] })] })) });
      const { render, waitFor, findByTestId } = setup();
      render(<ReferralCard />);
      await waitFor(() => findByTestId(Text, 'no-referrals'));
      expect(findByTestId(Text, 'earned-spring-2026').text).toBe('Rewards earned: none yet');
    });
  });

  describe('for a referred contact', () => {
    const answer = buildStoryAnswer(
      {
        referredBy: buildReferredBy({ reason: 'Lifecycle stage reached customer', evidence: { lifecyclestage: 'customer', checkedAt: '2026-04-01' }, flags: ['same_email_domain'] }),
        rewards: [
          buildReward({ id: 'rw-ref', referralId: 'ref-9', recipient: 'referrer', status: 'issued', amount: 5000 }),
          buildReward({ id: 'rw-friend', referralId: 'ref-9', recipient: 'friend', status: 'held', amount: 2500 }),
        ],
      },
      { '700': { name: 'Anna Adams', email: 'anna@example.org' } },
    );

    test('names the referrer with a link, the status, evidence and flags', async () => {
      mockFunctions({ 'referral-story': () => ok(answer) });
      const { render, waitFor, find, findAll, findByTestId } = setup();
      render(<ReferralCard />);
      await waitFor(() => find(Link));
      expect(find(Link).props.href).toBe('https://app.hubspot.com/contacts/555/record/0-1/700');
      expect(find(Link).text).toBe('Anna Adams');
      expect(find(StatusTag).text).toBe('Qualified');
      expect(findByTestId(Text, 'referral-reason').text).toBe('Lifecycle stage reached customer');
      expect(texts(findAll(Text)).join(' ')).toContain('customer');
      expect(texts(findAll(Tag))).toEqual(['same email domain']);
    });

    test('shows each risk flag with the reason it was raised', async () => {
      const flagged = buildStoryAnswer({
        referredBy: buildReferredBy({
          flags: ['email_alias_of_referrer'],
          flagReasons: { email_alias_of_referrer: "The friend's email differs from the referrer's only by a +tag and dots" },
        }),
      }, { '700': { name: 'Anna Adams', email: 'anna@example.org' } });
      mockFunctions({ 'referral-story': () => ok(flagged) });
      const { render, waitFor, findByTestId } = setup();
      render(<ReferralCard />);
      await waitFor(() => findByTestId(Flex, 'referral-flags'));
      const flags = findByTestId(Flex, 'referral-flags');
      expect(texts(flags.findAll(Tag))).toEqual(["Friend's email is an alias of the referrer's email"]);
      expect(texts(flags.findAll(Text))).toEqual(["The friend's email differs from the referrer's only by a +tag and dots"]);
    });

    test('shows the reward status on both sides', async () => {
      mockFunctions({ 'referral-story': () => ok(answer) });
      const { render, waitFor, findByTestId } = setup();
      render(<ReferralCard />);
      await waitFor(() => findByTestId(Flex, 'reward-rw-ref'));
      const shown = (id: string) => texts([findByTestId(Flex, id).find(Text), findByTestId(Flex, id).find(StatusTag)]);
      expect(shown('reward-rw-ref')).toEqual(['Referrer reward: €50.00', 'Issued']);
      expect(shown('reward-rw-friend')).toEqual(['Friend reward: €25.00', 'On hold']);
    });
  });

  describe('for a contact in no program', () => {
    test('offers enrolment in programs that allow it and refreshes after enrolling', async () => {
      let enrolled = false;
      const fns = mockFunctions({
        'referral-story': () => ok(enrolled ? buildStoryAnswer({ enrolments: [buildEnrolment()] }) : buildStoryAnswer({ manualEnrolmentPrograms: [{ id: 'spring-2026', name: 'Spring referrals' }, { id: 'vip', name: 'VIP' }] })),
        'enrol-contact': () => {
          enrolled = true;
          return ok({ enrolment: {}, created: true });
        },
      });
      const { render, waitFor, find, mocks } = setup();
      render(<ReferralCard />);
      await waitFor(() => find(Select));
      find(Select).trigger('onChange', 'vip' as never);
      find(LoadingButton).trigger('onClick');
      await waitFor(() => find(StatisticsItem));
      expect(fns.calls.find((c) => c.name === 'enrol-contact')).toEqual({
        name: 'enrol-contact',
        parameters: { programId: 'vip', contactId: '123', actor: { userId: '42', email: 'reviewer@example.com' } },
        propertiesToSend: ['hs_object_id'],
      });
      expect(mocks.actions.addAlert.calls).toEqual([[{ type: 'success', message: 'Contact enrolled' }]]);
      expect(mocks.actions.refreshObjectProperties.calls).toHaveLength(1);
    });

    test('a refused enrolment shows the reason and keeps the form', async () => {
      mockFunctions({
        'referral-story': () => ok(buildStoryAnswer({ manualEnrolmentPrograms: [{ id: 'vip', name: 'VIP' }] })),
        'enrol-contact': () => fail('INVALID_STATE', 'The program is paused. Refresh the card to see where it stands now.'),
      });
      const { render, waitFor, find } = setup();
      render(<ReferralCard />);
      await waitFor(() => find(LoadingButton));
      find(LoadingButton).trigger('onClick');
      await waitFor(() => expect(find(Alert).text).toContain('The program is paused.'));
      expect(find(Select).props.value).toBe('vip');
    });

    test('without a program to enrol in, explains what an admin can do', async () => {
      mockFunctions({ 'referral-story': () => ok(buildStoryAnswer()) });
      const { render, waitFor, find, maybeFind } = setup();
      render(<ReferralCard />);
      await waitFor(() => find(EmptyState));
      expect(find(EmptyState).find(Text).text).toContain('turn on manual enrolment in the Referral Ops settings');
      expect(maybeFind(LoadingButton)).toBeNull();
    });
  });

  describe('rewards waiting for review', () => {
    const pending = buildReward({ id: 'rw-1', status: 'pending_review', recipient: 'friend', recipientContactId: '901', amount: 10000, currency: 'USD', reviewReasons: ['high_amount'] });
    const story = (status: 'pending_review' | 'approved' | 'rejected') =>
      ok(buildStoryAnswer({ enrolments: [buildEnrolment()], rewards: [{ ...pending, status }] }, { '901': { name: 'Ben Brown', email: null } }));

    test('approving asks for confirmation, records the reviewer and refreshes', async () => {
      let status: 'pending_review' | 'approved' = 'pending_review';
      const fns = mockFunctions({
        'referral-story': () => story(status),
        'review-reward': () => {
          status = 'approved';
          return ok({ reward: {} });
        },
      });
      const { render, waitFor, find, findByTestId, maybeFind, mocks } = setup();
      render(<ReferralCard />);
      await waitFor(() => findByTestId(Flex, 'review-rw-1'));
      expect(findByTestId(Flex, 'review-rw-1').find(Text).text).toBe('$100.00 gift card for the friend Ben Brown, created Apr 1, 2026');
      expect(findByTestId(Flex, 'review-rw-1').find(Tag).text).toBe('high amount');
      find(Button, { variant: 'primary' }).trigger('onClick');
      expect(fns.calls.filter((c) => c.name === 'review-reward')).toEqual([]);
      expect(find(LoadingButton).text).toBe('Confirm approval');
      find(LoadingButton).trigger('onClick');
      await waitFor(() => expect(maybeFind(LoadingButton)).toBeNull());
      expect(fns.calls.find((c) => c.name === 'review-reward')?.parameters).toEqual({ rewardId: 'rw-1', decision: 'approve', actor: { userId: '42', email: 'reviewer@example.com' } });
      expect(mocks.actions.addAlert.calls).toEqual([[{ type: 'success', message: 'Reward approved' }]]);
      expect(fns.calls.filter((c) => c.name === 'referral-story')).toHaveLength(2);
    });

    test('cancel leaves the reward untouched', async () => {
      const fns = mockFunctions({ 'referral-story': () => story('pending_review') });
      const { render, waitFor, find, findAll } = setup();
      render(<ReferralCard />);
      await waitFor(() => find(Button, { variant: 'destructive' }));
      find(Button, { variant: 'destructive' }).trigger('onClick');
      findAll(Button).find((b) => b.text === 'Cancel')!.trigger('onClick');
      expect(find(Button, { variant: 'destructive' }).text).toBe('Reject');
      expect(fns.calls.map((c) => c.name)).toEqual(['referral-story']);
    });

    test('rejecting needs a reason, then sends it', async () => {
      let status: 'pending_review' | 'rejected' = 'pending_review';
      const fns = mockFunctions({
        'referral-story': () => story(status),
        'review-reward': () => {
          status = 'rejected';
          return ok({ reward: {} });
        },
      });
      const { render, waitFor, find, maybeFind, mocks } = setup();
      render(<ReferralCard />);
      await waitFor(() => find(Button, { variant: 'destructive' }));
      find(Button, { variant: 'destructive' }).trigger('onClick');
      find(LoadingButton, { variant: 'destructive' }).trigger('onClick');
      expect(find(TextArea).props.validationMessage).toBe('Say why the reward is rejected; the reason is kept in the audit trail.');
      expect(fns.calls.map((c) => c.name)).toEqual(['referral-story']);
      find(TextArea).trigger('onChange', 'Self-referral: same household' as never);
      find(LoadingButton, { variant: 'destructive' }).trigger('onClick');
      await waitFor(() => expect(maybeFind(TextArea)).toBeNull());
      expect(fns.calls.find((c) => c.name === 'review-reward')?.parameters).toMatchObject({ rewardId: 'rw-1', decision: 'reject', reason: 'Self-referral: same household' });
      expect(mocks.actions.addAlert.calls).toEqual([[{ type: 'success', message: 'Reward rejected' }]]);
    });

    test('a failed decision shows the service message and keeps the choice open', async () => {
      mockFunctions({
        'referral-story': () => story('pending_review'),
        'review-reward': () => fail('INVALID_STATE', 'The reward was already approved. Refresh the card to see where it stands now.'),
      });
      const { render, waitFor, find, mocks } = setup();
      render(<ReferralCard />);
      await waitFor(() => find(Button, { variant: 'primary' }));
      find(Button, { variant: 'primary' }).trigger('onClick');
      find(LoadingButton).trigger('onClick');
      await waitFor(() => expect(find(Alert).text).toContain('The reward was already approved.'));
      expect(find(LoadingButton).text).toBe('Confirm approval');
      expect(mocks.actions.addAlert.calls).toEqual([]);
    });
  });
});
