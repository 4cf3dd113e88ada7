import { Button, Heading, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { ReferralCard } from '../../../../src/app/cards/ReferralCard';
import { buildWhyAnswer } from '../../explain-factories';
import { buildStoryAnswer, mockFunctions, ok } from '../../factories';

afterEach(() => jest.restoreAllMocks());

describe('"why?" on the contact card', () => {
  test('asks on demand for the record it is on and shows the same explanation as the settings page', async () => {
    const fns = mockFunctions({ 'referral-story': () => ok(buildStoryAnswer()), explain: () => ok(buildWhyAnswer()) });
    const r = createRenderer('crm.record.sidebar');
    r.mocks.context.crm.objectId = 901;
    r.render(<ReferralCard />);
    await r.waitFor(() => r.findByTestId(Button, 'ask-why'));
    expect(fns.calls.map((c) => c.name)).toEqual(['referral-story']);

    r.findByTestId(Button, 'ask-why').trigger('onClick');
    await r.waitFor(() => r.findByTestId(Text, 'guard-outside_window'));

    expect(fns.calls[1]).toEqual({ name: 'explain', parameters: { action: 'why', contactId: '901' }, propertiesToSend: ['hs_object_id'] });
    expect(r.find(Heading).text).toBe('Spring referrals');
    expect(r.findByTestId(Text, 'guard-outside_window').text).toContain('The referral is 400 days old');
    expect(r.findByTestId(Button, 'ask-why').text).toBe('Ask again');
  });
});
