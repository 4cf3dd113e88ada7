import { Button, Checkbox, Flex, Heading, Text } from '@hubspot/ui-extensions';
import { PROPERTY_OPERATORS, REWARD_KINDS, SEARCH_OPERATORS } from '@referral-ops/domain/program';
import { RISK_FLAG_LABELS, RISK_FLAGS } from '@referral-ops/domain/risk-flags';
import { getAt, MoneyField, NumberField, SelectField, TextField, ToggleField, type Draft, type Issues } from './fields';

interface Props {
  draft: Draft;
  issues: Issues;
  onChange: (path: string, value: unknown) => void;
}

const options = (values: readonly string[]) => values.map((v) => ({ label: v.replace(/_/g, ' '), value: v }));

/** One program's settings, section by section, in the shape of the domain package's program.ts. */
export function ProgramForm({ draft, issues, onChange }: Props) {
  const f = { draft, issues, onChange };
  const currency = String(getAt(draft, 'rewards.referrer.currency') ?? 'USD');
  const milestone = String(getAt(draft, 'qualification.milestone.kind') ?? 'lifecycle_stage');
  const routing = String(getAt(draft, 'capture.routing.kind') ?? 'referrer_owner');
  const groups = (getAt(draft, 'enrolment.criteria') as { filters: unknown[] }[] | undefined) ?? [];
  const tiers = (getAt(draft, 'rewards.tiers') as unknown[] | undefined) ?? [];
  const flags = (getAt(draft, 'review.flags') as string[] | undefined) ?? [];
  const friend = getAt(draft, 'rewards.friend') !== undefined;
  const share = getAt(draft, 'rewards.referrer.revenueShare') !== undefined;

  return (
    <Flex direction="column" gap="md">
      <TextField label="Name" path="name" {...f} />
      <SelectField label="Status" path="status" options={options(['draft', 'active', 'paused'])} {...f} />
      <TextField label="Program owner (HubSpot owner id)" path="ownerId" {...f} />

      <Heading>Enrolment</Heading>
      <ToggleField label="Allow enrolling contacts by hand from the contact card" path="enrolment.allowManual" {...f} />
      <Text variant="microcopy">Contacts matching any group below are enrolled automatically; all conditions in a group must hold.</Text>
      {groups.map((group, g) => (
        <Flex direction="column" gap="xs" key={`group-${g}`} testId={`criteria-group-${g}`}>
          <Text format={{ fontWeight: 'bold' }}>{g === 0 ? 'Contacts where' : 'Or contacts where'}</Text>
          {group.filters.map((_, i) => {
            const at = `enrolment.criteria.${g}.filters.${i}`;
            return (
              <Flex gap="xs" key={at}>
                <TextField label="Property" path={`${at}.propertyName`} {...f} />
                <SelectField label="Operator" path={`${at}.operator`} options={options(SEARCH_OPERATORS)} {...f} />
                <TextField label="Value" path={`${at}.value`} {...f} />
                <Button size="xs" variant="transparent" onClick={() => onChange(`enrolment.criteria.${g}.filters`, group.filters.filter((__, j) => j !== i))}>Remove</Button>
              </Flex>
            );
          })}
          <Button size="xs" onClick={() => onChange(`enrolment.criteria.${g}.filters`, [...group.filters, { propertyName: '', operator: 'EQ' }])}>Add condition</Button>
        </Flex>
      ))}
      <Button size="xs" testId="add-criteria-group" onClick={() => onChange('enrolment.criteria', [...groups, { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] }])}>Add enrolment rule</Button>

      <Heading>Qualification default</Heading>
      <SelectField label="Milestone" path="qualification.milestone.kind" options={options(['lifecycle_stage', 'deal_stage', 'property'])} {...f}
        onChange={(path, kind) => onChange('qualification.milestone', kind === 'deal_stage' ? { kind, pipelineId: '', stageId: '' } : kind === 'property' ? { kind, propertyName: '', operator: 'eq' } : { kind, stage: 'customer' })} />
      {milestone === 'lifecycle_stage' && <TextField label="Lifecycle stage" path="qualification.milestone.stage" {...f} />}
      {milestone === 'deal_stage' && (
        <>
          <TextField label="Pipeline" path="qualification.milestone.pipelineId" {...f} />
          <TextField label="Deal stage" path="qualification.milestone.stageId" {...f} />
        </>
      )}
      {milestone === 'property' && (
        <>
          <TextField label="Property" path="qualification.milestone.propertyName" {...f} />
          <SelectField label="Condition" path="qualification.milestone.operator" options={options(PROPERTY_OPERATORS)} {...f} />
          <TextField label="Value" path="qualification.milestone.value" {...f} />
        </>
      )}
      <NumberField label="Qualification window (days)" path="qualification.windowDays" {...f} />
      <NumberField label="Attribution window (days)" path="capture.attributionWindowDays" description="How long after a click a new contact still counts as referred." {...f} />

      <Heading>Rewards</Heading>
      <SelectField label="Referrer reward kind" path="rewards.referrer.kind" options={options(REWARD_KINDS)} {...f} />
      <MoneyField label={share ? 'Fixed referrer reward' : 'Referrer reward'} path="rewards.referrer.amount" currency={currency} {...f}
        description={share ? 'Paid when no deal amount counts (no amount on the deal, or no deal won after the referral).' : undefined} />
      <TextField label="Currency" path="rewards.referrer.currency" {...f} />
      <ToggleField label="Pay the referrer a share of the deal's amount" path="rewards.referrer.revenueShareEnabled" {...f} draft={{ rewards: { referrer: { revenueShareEnabled: share } } }}
        onChange={(_, on) => onChange('rewards.referrer.revenueShare', on ? { percent: 10 } : undefined)} />
      {share && (
        <>
          <NumberField label="Percent of the deal" path="rewards.referrer.revenueShare.percent" description="Paid in the deal's currency, fixed when the referral qualifies." {...f} />
          <MoneyField label="Minimum reward" path="rewards.referrer.revenueShare.min" currency={currency} {...f} />
          <MoneyField label="Maximum reward" path="rewards.referrer.revenueShare.max" currency={currency}
            description="The minimum and maximum apply to deals in this currency; a deal in another currency waits for review." {...f} />
          <SelectField label="For a milestone on the contact, pay from" path="rewards.referrer.revenueShare.contactMilestoneDeal" {...f}
            options={[{ label: 'the first deal won after the referral', value: 'first_closed_won_after_referral' }, { label: 'the fixed reward', value: 'fixed_amount' }]} />
          <ToggleField label="Review rewards paid without a deal amount" path="rewards.referrer.revenueShare.reviewWithoutAmount" {...f} />
        </>
      )}
      <ToggleField label="Double-sided: reward the friend too" path="rewards.friendEnabled" {...f} draft={{ rewards: { friendEnabled: friend } }}
        onChange={(_, on) => onChange('rewards.friend', on ? { kind: getAt(draft, 'rewards.referrer.kind') ?? 'gift_card', amount: getAt(draft, 'rewards.referrer.amount'), currency } : undefined)} />
      {friend && <MoneyField label="Friend reward" path="rewards.friend.amount" currency={currency} {...f} />}
      {tiers.map((_, i) => (
        <Flex gap="xs" key={`tier-${i}`}>
          <NumberField label="From qualified referral no." path={`rewards.tiers.${i}.atQualified`} {...f} />
          <MoneyField label="Bonus" path={`rewards.tiers.${i}.bonus.amount`} currency={currency} {...f} />
          <Button size="xs" variant="transparent" onClick={() => onChange('rewards.tiers', tiers.filter((__, j) => j !== i))}>Remove</Button>
        </Flex>
      ))}
      <Button size="xs" onClick={() => onChange('rewards.tiers', [...tiers, { atQualified: tiers.length + 2, bonus: { amount: undefined } }])}>Add tier bonus</Button>
      <NumberField label="Lifetime rewards per referrer" path="rewards.caps.perReferrer" {...f} />
      <NumberField label="Rewards per referrer per month" path="rewards.caps.perReferrerPerMonth" {...f} />
      <MoneyField label="Monthly program budget" path="rewards.caps.programPerMonth" currency={currency} {...f} />
      <NumberField label="Hold period (days)" path="rewards.holdDays" description="Rewards wait this long before they can be paid, to allow for refunds." {...f} />

      <Heading>Review</Heading>
      <MoneyField label="Review rewards above" path="review.amountAbove" currency={currency} {...f} />
      <ToggleField label="Review each referrer's first reward" path="review.firstRewardPerReferrer" {...f} />
      {RISK_FLAGS.map((flag) => (
        <Checkbox key={flag} name={`review.flags.${flag}`} checked={flags.includes(flag)}
          onChange={(checked) => onChange('review.flags', checked ? [...flags, flag] : flags.filter((x) => x !== flag))}>
          Review when: {RISK_FLAG_LABELS[flag]}
        </Checkbox>
      ))}
      <NumberField label="Review expires after (days)" path="review.expirationDays" {...f} />

      <Heading>Routing of referred contacts</Heading>
      <SelectField label="Owner" path="capture.routing.kind" options={[{ label: "Referrer's owner", value: 'referrer_owner' }, { label: 'Round robin', value: 'round_robin' }, { label: 'One owner', value: 'fixed' }]} {...f}
        onChange={(_, kind) => onChange('capture.routing', kind === 'round_robin' ? { kind, ownerIds: [] } : kind === 'fixed' ? { kind, ownerId: '' } : { kind })} />
      {routing === 'round_robin' && (
        <TextField label="Owner ids (comma separated)" path="capture.routing.ownerIds" {...f} draft={{ capture: { routing: { ownerIds: ((getAt(draft, 'capture.routing.ownerIds') as string[] | undefined) ?? []).join(', ') } } }}
          onChange={(path, text) => onChange(path, String(text ?? '').split(',').map((s) => s.trim()).filter(Boolean))} />
      )}
      {routing === 'fixed' && <TextField label="Owner id" path="capture.routing.ownerId" {...f} />}
    </Flex>
  );
}
