import { Toggle } from '@hubspot/ui-extensions';
import { getAt, MoneyField, NumberField, SelectField, ToggleField } from '../fields';
import type { SectionProps } from './section';

interface Props extends Pick<SectionProps, 'draft' | 'issues' | 'onChange'> {
  /** "rewards.referrer" or "rewards.friend" */
  base: string;
  /** "the referrer" or "the friend", for the labels. */
  who: string;
  currency: string;
}

/** A reward as a share of the qualifying deal's amount, with its limits, for either side of the referral. */
export function RevenueShareFields({ base, who, currency, draft, issues, onChange }: Props) {
  const f = { draft, issues, onChange };
  const share = getAt(draft, `${base}.revenueShare`) !== undefined;
  const at = `${base}.revenueShare`;
  return (
    <>
      <Toggle label={`Pay ${who} a share of the deal's amount`} name={`${at}Enabled`} checked={share} onChange={(on) => onChange(at, on ? { percent: 10 } : undefined)} />
      {share && (
        <>
          <NumberField label={`Percent of the deal paid to ${who}`} path={`${at}.percent`} description="Paid in the deal's currency, fixed when the referral qualifies." {...f} />
          <MoneyField label="Minimum reward" path={`${at}.min`} currency={currency} {...f} />
          <MoneyField label="Maximum reward" path={`${at}.max`} currency={currency}
            description="The minimum and maximum apply to deals in this currency; a deal in another currency waits for review." {...f} />
          <SelectField label="For a milestone on the contact, pay from" path={`${at}.contactMilestoneDeal`} {...f}
            options={[{ label: 'the first deal won after the referral', value: 'first_closed_won_after_referral' }, { label: 'the fixed reward', value: 'fixed_amount' }]} />
          <ToggleField label="Review rewards paid without a deal amount" path={`${at}.reviewWithoutAmount`} {...f} />
        </>
      )}
    </>
  );
}

