/**
 * The HubSpot-defined properties and groups each object type starts with. Only what this project
 * reads or writes, plus the system properties every record carries.
 */
export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined: boolean;
  /** Set by HubSpot itself; writing it through the API is refused. */
  readOnlyValue: boolean;
  /** Options come from elsewhere in the portal (owners, pipelines), not from `options`. */
  externalOptions: boolean;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

type Seed = Pick<PropertyDefinition, 'name' | 'label' | 'type' | 'fieldType'> &
  Partial<Omit<PropertyDefinition, 'options'>> & { options?: Array<[value: string, label: string]> };

export const defaultLifecycleStages: Array<[string, string]> = [
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
];

const text = (name: string, label: string, extra: Partial<Seed> = {}): Seed =>
  ({ name, label, type: 'string', fieldType: 'text', ...extra });
const system = (name: string, label: string, type: PropertyType, fieldType: string): Seed =>
  ({ name, label, type, fieldType, readOnlyValue: true });
const owner: Seed = {
  name: 'hubspot_owner_id', label: 'Owner', type: 'enumeration', fieldType: 'select', externalOptions: true,
};

const seeds: Record<string, { group: [string, string]; properties: Seed[] }> = {
  contacts: {
    group: ['contactinformation', 'Contact information'],
    properties: [
      system('hs_object_id', 'Record ID', 'number', 'number'),
      { name: 'createdate', label: 'Create Date', type: 'datetime', fieldType: 'date' },
      system('lastmodifieddate', 'Last Modified Date', 'datetime', 'date'),
      text('email', 'Email', { hasUniqueValue: false }),
      text('firstname', 'First Name'),
      text('lastname', 'Last Name'),
      text('phone', 'Phone Number', { fieldType: 'phonenumber' }),
      text('company', 'Company Name'),
      text('website', 'Website URL'),
      { name: 'lifecyclestage', label: 'Lifecycle Stage', type: 'enumeration', fieldType: 'radio', options: defaultLifecycleStages },
      {
        name: 'hs_lead_status', label: 'Lead Status', type: 'enumeration', fieldType: 'radio',
        options: [['NEW', 'New'], ['OPEN', 'Open'], ['IN_PROGRESS', 'In Progress'], ['OPEN_DEAL', 'Open Deal'],
          ['UNQUALIFIED', 'Unqualified'], ['ATTEMPTED_TO_CONTACT', 'Attempted to Contact'], ['CONNECTED', 'Connected'],
          ['BAD_TIMING', 'Bad Timing']],
      },
      owner,
    ],
  },
  companies: {
    group: ['companyinformation', 'Company information'],
    properties: [
      system('hs_object_id', 'Record ID', 'number', 'number'),
      { name: 'createdate', label: 'Create Date', type: 'datetime', fieldType: 'date' },
      system('hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date'),
      text('name', 'Company name'),
      text('domain', 'Company Domain Name'),
      text('website', 'Website URL'),
      text('phone', 'Phone Number', { fieldType: 'phonenumber' }),
      text('city', 'City'),
      { name: 'lifecyclestage', label: 'Lifecycle Stage', type: 'enumeration', fieldType: 'radio', options: defaultLifecycleStages },
      owner,
    ],
  },
  deals: {
    group: ['dealinformation', 'Deal information'],
    properties: [
      system('hs_object_id', 'Record ID', 'number', 'number'),
      { name: 'createdate', label: 'Create Date', type: 'datetime', fieldType: 'date' },
      system('hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date'),
      text('dealname', 'Deal Name'),
      { name: 'amount', label: 'Amount', type: 'number', fieldType: 'number' },
      // HubSpot offers the portal's enabled currencies; this sandbox portal has several.
      { name: 'deal_currency_code', label: 'Currency', type: 'enumeration', fieldType: 'select',
        options: ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD'].map((code): [string, string] => [code, code]) },
      { name: 'closedate', label: 'Close Date', type: 'datetime', fieldType: 'date' },
      { name: 'pipeline', label: 'Pipeline', type: 'enumeration', fieldType: 'select', externalOptions: true },
      { name: 'dealstage', label: 'Deal Stage', type: 'enumeration', fieldType: 'radio', externalOptions: true },
      { name: 'dealtype', label: 'Deal Type', type: 'enumeration', fieldType: 'radio',
        options: [['newbusiness', 'New Business'], ['existingbusiness', 'Existing Business']] },
      owner,
    ],
  },
  tasks: {
    group: ['taskinformation', 'Task information'],
    properties: [
      system('hs_object_id', 'Record ID', 'number', 'number'),
      system('hs_createdate', 'Create date', 'datetime', 'date'),
      system('hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date'),
      { name: 'hs_timestamp', label: 'Due date', type: 'datetime', fieldType: 'date' },
      text('hs_task_subject', 'Task Title'),
      text('hs_task_body', 'Notes', { fieldType: 'textarea' }),
      { name: 'hs_task_status', label: 'Task Status', type: 'enumeration', fieldType: 'select',
        options: [['NOT_STARTED', 'Not started'], ['IN_PROGRESS', 'In progress'], ['WAITING', 'Waiting'],
          ['COMPLETED', 'Completed'], ['DEFERRED', 'Deferred']] },
      { name: 'hs_task_priority', label: 'Priority', type: 'enumeration', fieldType: 'select',
        options: [['NONE', 'None'], ['LOW', 'Low'], ['MEDIUM', 'Medium'], ['HIGH', 'High']] },
      { name: 'hs_task_type', label: 'Task Type', type: 'enumeration', fieldType: 'select',
        options: [['CALL', 'Call'], ['EMAIL', 'Email'], ['TODO', 'To-do']] },
      owner,
    ],
  },
  notes: {
    group: ['noteinformation', 'Note information'],
    properties: [
      system('hs_object_id', 'Record ID', 'number', 'number'),
      system('hs_createdate', 'Create date', 'datetime', 'date'),
      system('hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date'),
      { name: 'hs_timestamp', label: 'Activity date', type: 'datetime', fieldType: 'date' },
      text('hs_note_body', 'Note body', { fieldType: 'html' }),
      owner,
    ],
  },
};

/** Properties HubSpot refuses to create a record without. */
export const requiredOnCreate: Record<string, string[]> = { tasks: ['hs_timestamp'], notes: ['hs_timestamp'] };

export function toOptions(pairs: Array<[string, string]>): PropertyOption[] {
  return pairs.map(([value, label], displayOrder) => ({ label, value, displayOrder, hidden: false }));
}

export function defaultDefinitions(objectType: string, now: number): { groups: PropertyGroup[]; properties: PropertyDefinition[] } {
  const seed = seeds[objectType];
  if (!seed) return { groups: [], properties: [] };
  const [groupName, groupLabel] = seed.group;
  return {
    groups: [{ name: groupName, label: groupLabel, displayOrder: -1, archived: false }],
    properties: seed.properties.map((p, i) => ({
      description: '', groupName, displayOrder: i, hasUniqueValue: false, hidden: false,
      readOnlyValue: false, externalOptions: false, archived: false,
      ...p,
      options: toOptions(p.options ?? []),
      hubspotDefined: true,
      createdAt: now,
      updatedAt: now,
    })),
  };
}
