import { formatMoney } from '../../src/app/packages/domain/money';
import type { Program, RewardSpec } from '../../src/app/packages/domain/program';
import { hubspotStatus } from '../hubspot/client';
import type { HubSpotGateway } from '../hubspot/gateway';
import { fetchCompanyCurrency } from '../hubspot/live-data';
import { errorMessage, fail, pass, type CheckResult } from './check';

const GROUP = 'Program';
const DOCTOR_CALL = { maxAttempts: 2 };

/** The portal's currencies: the company currency, then the options of `deal_currency_code` (multi-currency portals). */
async function portalCurrencies(gateway: HubSpotGateway): Promise<{ company: string; all: string[] }> {
  const company = await fetchCompanyCurrency(gateway);
  let dealCurrencies: string[] = [];
  try {
    const property = await gateway.call('read', 'read the deal currency property', (client) => client.crm.properties.coreApi.getByName('deals', 'deal_currency_code'), DOCTOR_CALL);
    dealCurrencies = property.options.filter((o) => !o.hidden).map((o) => o.value.toUpperCase());
  } catch (err) {
    // A single-currency portal has no such property: every deal is in the company currency.
    if (hubspotStatus(err) !== 404) throw err;
  }
  return { company, all: [...new Set([company, ...dealCurrencies])] };
}

function describeShare(spec: RewardSpec): string {
  const share = spec.revenueShare!;
  const bounds = [
    share.min !== undefined && `at least ${formatMoney(share.min, spec.currency)}`,
    share.max !== undefined && `at most ${formatMoney(share.max, spec.currency)}`,
  ].filter(Boolean).join(', ');
  return `${share.percent} % of the deal${bounds ? ` (${bounds})` : ''}`;
}

/**
 * A revenue share is paid in the deal's currency, and its minimum and maximum are in the program's:
 * a program whose currency the portal's deals never use would send every such reward to review.
 */
export async function checkRevenueShare(gateway: HubSpotGateway, program: Program): Promise<CheckResult[]> {
  const spec = [program.rewards.referrer, program.rewards.friend].find((s) => s?.revenueShare);
  if (!spec) return [];
  const name = "pays its revenue share in a currency of the portal's deals";
  try {
    const { company, all } = await portalCurrencies(gateway);
    const detail = `${describeShare(spec)}; deals are in ${all.join(', ')} (company currency ${company})`;
    return [all.includes(spec.currency)
      ? pass(GROUP, name, detail)
      : fail(GROUP, name, `the reward is in ${spec.currency}, but ${detail}: every share would wait for review, its minimum and maximum unapplied`,
        `set the reward's currency to one the portal's deals use (${all.join(', ')}) in the Referral Ops settings page (or PUT /api/programs/<id>)`)];
  } catch (err) {
    return [fail(GROUP, name, `could not read the portal's currencies: ${errorMessage(err)}`, 'fix the HubSpot checks above first')];
  }
}
