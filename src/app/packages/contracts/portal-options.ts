/**
 * What the settings page picks from: the portal's own owners, stages, pipelines, properties and
 * currencies, read by the service (`GET /api/portal/options`) and passed on by the settings function.
 * Types only, like the other contracts.
 */

export interface PortalOwner {
  id: string;
  /** "First Last", or the email when HubSpot has no name for the owner. */
  name: string;
  email: string;
}

export interface PortalChoice {
  value: string;
  label: string;
}

export interface PortalPipeline {
  id: string;
  label: string;
  /** In the pipeline's own order. */
  stages: Array<{ id: string; label: string }>;
}

/** HubSpot's property `type`; the settings page picks the value input from it. */
export type PortalPropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool' | 'phone_number' | 'object_coordinates' | 'json';

export interface PortalProperty {
  name: string;
  label: string;
  type: PortalPropertyType | (string & {});
  fieldType: string;
  /** An enumeration's visible options in the portal's order; empty for other types. */
  options: PortalChoice[];
}

export interface PortalPropertyGroup {
  name: string;
  label: string;
  properties: PortalProperty[];
}

export interface PortalOptions {
  /** Sorted by name; at most `OWNER_PAGE` of them: search for the others. */
  owners: PortalOwner[];
  /** True when the portal has more owners than `owners` lists. */
  moreOwners: boolean;
  /** The portal's lifecycle stages in its own order, with its own labels. */
  lifecycleStages: PortalChoice[];
  dealPipelines: PortalPipeline[];
  /** Contact properties in HubSpot's groups, groups and properties in HubSpot's order. */
  contactPropertyGroups: PortalPropertyGroup[];
  /** The company currency first, then the portal's additional currencies. */
  currencies: string[];
}

/** What saving an active program reaches: referrals not decided yet follow the new rules; recorded rewards keep theirs. */
export interface InFlight {
  referralsAwaitingDecision: number;
  rewardsAwaitingReview: number;
  rewardsHeld: number;
}
