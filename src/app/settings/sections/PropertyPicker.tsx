import { Select } from '@hubspot/ui-extensions';
import type { PortalOptions } from '@referral-ops/contracts/portal-options';
import { getAt, type Draft, type Issues } from '../fields';
import { withCurrent } from './section';

interface Props {
  label: string;
  path: string;
  portal: PortalOptions;
  draft: Draft;
  issues: Issues;
  /** Called with the property's internal name. */
  onPick: (name: string) => void;
}

/**
 * Contact properties as HubSpot groups them: the groups in the portal's order, each property
 * labelled with its group ("Contact information: Email"), so the list reads like HubSpot's own
 * and its search finds a property by its group too. The internal name is stored, never shown.
 */
export function propertyOptions(portal: PortalOptions) {
  return portal.contactPropertyGroups.flatMap((group) => group.properties.map((p) => ({ label: `${group.label}: ${p.label}`, value: p.name })));
}

export function PropertyPicker({ label, path, portal, draft, issues, onPick }: Props) {
  const current = getAt(draft, path);
  const options = withCurrent(propertyOptions(portal), current, (name) => `A property this portal no longer has (${name}): choose another`);
  return (
    <Select label={label} name={path} value={typeof current === 'string' && current ? current : undefined} placeholder="Choose a contact property" options={options}
      error={Boolean(issues[path])} validationMessage={issues[path]} onChange={(name) => onPick(String(name))} />
  );
}
