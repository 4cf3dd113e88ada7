import { Button, Divider, ErrorState, Flex, LoadingSpinner, Text, hubspot, useExtensionActions, useExtensionContext } from '@hubspot/ui-extensions';
import type { FunctionResult } from '@referral-ops/contracts/app-functions';
import { actingUser, callFunction } from '@referral-ops/ui-shared/call-function';
import { userLocale } from '@referral-ops/ui-shared/format';
import { EnrolSection } from './referral/EnrolSection';
import { ReferredSection } from './referral/ReferredSection';
import { ReferrerSection } from './referral/ReferrerSection';
import { ReviewSection, type ReviewDecision } from './referral/ReviewSection';
import { useReferralStory } from './referral/use-referral-story';
import { WhySection } from './referral/WhySection';

hubspot.extend<'crm.record.sidebar'>(() => <ReferralCard />);

/** The contact's referral story on its record: as referrer, as referred friend, and rewards to review. */
export function ReferralCard() {
  const context = useExtensionContext<'crm.record.sidebar'>();
  const actions = useExtensionActions<'crm.record.sidebar'>();
  const { state, reload } = useReferralStory(context.crm.objectId);
  const locale = userLocale(context.user.locale);
  const actor = actingUser(context.user);

  if (state.status === 'loading') return <LoadingSpinner label="Loading referral activity" layout="centered" />;
  if (state.status === 'error') {
    return (
      <ErrorState title="Referral activity could not be loaded">
        <Text>{state.message}</Text>
        <Button onClick={reload}>Try again</Button>
      </ErrorState>
    );
  }

  const { story, contacts } = state.answer;

  /** After a change the service has rewritten the record's referral properties, so both views refresh. */
  const afterChange = (result: FunctionResult<unknown>, success: string): string | null => {
    if (!result.ok) return result.error.message;
    actions.addAlert({ type: 'success', message: success });
    actions.refreshObjectProperties();
    reload();
    return null;
  };

  const decide = async (rewardId: string, decision: ReviewDecision) =>
    afterChange(
      await callFunction('review-reward', { rewardId, ...decision, actor }),
      decision.decision === 'approve' ? 'Reward approved' : 'Reward rejected',
    );

  const enrol = async (programId: string) =>
    afterChange(await callFunction('enrol-contact', { programId, contactId: String(context.crm.objectId), actor }, { propertiesToSend: ['hs_object_id'] }), 'Contact enrolled');

  const rotateDashboardLink = async (programId: string) =>
    afterChange(
      await callFunction('referral-story', { action: 'rotate-dashboard-link', programId, contactId: String(context.crm.objectId), actor }, { propertiesToSend: ['hs_object_id'] }),
      'New dashboard link written to the contact; the old link no longer opens the dashboard',
    );

  const copy = (text: string, what: string) => {
    // Promise.resolve: older hosts answer synchronously.
    void Promise.resolve(actions.copyTextToClipboard(text)).then(
      () => actions.addAlert({ type: 'success', message: `${what} copied` }),
      () => actions.addAlert({ type: 'warning', message: `${what} could not be copied; select it and copy it by hand` }),
    );
  };

  const toReview = story.rewards.filter((r) => r.status === 'pending_review');
  const referredRewards = story.referredBy ? story.rewards.filter((r) => r.referralId === story.referredBy?.referralId) : [];
  const sections = [
    story.enrolments.length > 0 && (
      <ReferrerSection key="referrer" enrolments={story.enrolments} referrals={story.referrals} contacts={contacts} locale={locale} portalId={context.portal.id} onCopy={copy}
        onRotateDashboardLink={rotateDashboardLink} />
    ),
    story.referredBy && (
      <ReferredSection key="referred" referredBy={story.referredBy} rewards={referredRewards} contacts={contacts} locale={locale} portalId={context.portal.id} />
    ),
    story.enrolments.length === 0 && !story.referredBy && <EnrolSection key="enrol" programs={story.manualEnrolmentPrograms} onEnrol={enrol} />,
    toReview.length > 0 && <ReviewSection key="review" rewards={toReview} contacts={contacts} locale={locale} onDecide={decide} />,
    <WhySection key="why" contactId={context.crm.objectId} locale={locale} />,
  ].filter(Boolean);

  return (
    <Flex direction="column" gap="sm">
      {sections.flatMap((section, i) => (i === 0 ? [section] : [<Divider key={`divider-${i}`} />, section]))}
    </Flex>
  );
}
