import type { PortalOptions } from '../../../src/app/packages/contracts/portal-options';
import type { FunctionResult } from '../../../src/app/packages/contracts/app-functions';
import { mockFunctions, ok } from '../factories';

/** A small portal to pick from, for tests that are not about the picking itself. */
export function buildPortalOptions(overrides: Partial<PortalOptions> = {}): PortalOptions {
  return {
    owners: [{ id: '1001', name: 'Rita Rossi', email: 'rita@example.com' }, { id: '1002', name: 'Sam Berg', email: 'sam@example.com' }],
    moreOwners: false,
    lifecycleStages: [{ value: 'lead', label: 'Lead' }, { value: 'customer', label: 'Customer' }, { value: 'evangelist', label: 'Evangelist' }],
    dealPipelines: [{ id: 'default', label: 'Sales Pipeline', stages: [{ id: 'closedwon', label: 'Closed won' }] }],
    contactPropertyGroups: [{
      name: 'contactinformation', label: 'Contact information', properties: [
        { name: 'lifecyclestage', label: 'Lifecycle Stage', type: 'enumeration', fieldType: 'radio', options: [{ value: 'lead', label: 'Lead' }, { value: 'customer', label: 'Customer' }, { value: 'evangelist', label: 'Evangelist' }] },
        { name: 'email', label: 'Email', type: 'string', fieldType: 'text', options: [] },
      ],
    }],
    currencies: ['EUR', 'USD'],
    ...overrides,
  };
}

type Handler = (parameters: Record<string, unknown>) => FunctionResult<unknown> | Promise<FunctionResult<unknown>>;

/** The settings function: the portal's options from `buildPortalOptions`, every other action from `handler`. */
export function mockSettings(handler: Handler, options: PortalOptions = buildPortalOptions()) {
  return mockFunctions({ 'program-settings': (p) => (p.action === 'options' ? ok({ options }) : handler(p)) });
}
