import type { ActingUser } from '@referral-ops/contracts/app-functions';
import type { PortalOptions, PortalProperty } from '@referral-ops/contracts/portal-options';
import type { Draft, Issues } from '../fields';

/** What every section of the program form gets: the draft, its issues, a setter, and the portal to pick from. */
export interface SectionProps {
  draft: Draft;
  issues: Issues;
  onChange: (path: string, value: unknown) => void;
  portal: PortalOptions;
  /** The signed-in user, sent with every call of the settings function. */
  actor: ActingUser;
}

/** The contact property of that name, wherever HubSpot groups it. */
export function findProperty(portal: PortalOptions, name: unknown): PortalProperty | undefined {
  if (typeof name !== 'string' || !name) return undefined;
  for (const group of portal.contactPropertyGroups) {
    const found = group.properties.find((p) => p.name === name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Keeps a stored value the portal no longer offers as a choice, labelled as such, so opening a
 * program never silently changes it and the admin sees what to fix.
 */
export function withCurrent(options: Array<{ label: string; value: string }>, current: unknown, missing: (value: string) => string) {
  if (typeof current !== 'string' || current === '' || options.some((o) => o.value === current)) return options;
  return [...options, { label: missing(current), value: current }];
}
