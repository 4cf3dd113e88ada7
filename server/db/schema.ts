import type { Generated } from 'kysely';
import type { ReferralStatus } from '../../src/app/packages/domain/referral-status';
import type { RewardState } from '../../src/app/packages/domain/reward-state';

/**
 * The ledger's tables. Times are epoch milliseconds (bigint) so both databases compare and bucket
 * them the same way; JSON documents are stored as text for the same reason.
 */
export interface Database {
  programs: ProgramTable;
  enrolments: EnrolmentTable;
  referrals: ReferralTable;
  referral_claims: ReferralClaimTable;
  rewards: RewardTable;
  action_decisions: ActionDecisionTable;
  audit_events: AuditEventTable;
  clicks: ClickTable;
  jobs: JobTable;
  bulk_runs: BulkRunTable;
  webhook_events: WebhookEventTable;
  owner_tasks: OwnerTaskTable;
  rate_limit_windows: RateLimitWindowTable;
  privacy_erasures: PrivacyErasureTable;
  referred_deals: ReferredDealTable;
  visits: VisitTable;
  event_subscriptions: EventSubscriptionTable;
  event_deliveries: EventDeliveryTable;
}

export interface ProgramTable {
  id: string;
  name: string;
  status: string;
  config: string;
  created_at: number;
  updated_at: number;
}

export interface EnrolmentTable {
  id: string;
  program_id: string;
  contact_id: string;
  code: string;
  link: string;
  status: 'active' | 'paused' | 'closed';
  source: 'bulk' | 'workflow' | 'signup' | 'manual';
  created_at: number;
  updated_at: number;
  /** Signed into the dashboard link; rotating the link raises it, so older links stop working (migration 015). */
  dashboard_token_version: Generated<number>;
}

export interface ReferralTable {
  id: string;
  program_id: string;
  enrolment_id: string;
  referrer_contact_id: string;
  referred_contact_id: string;
  email: string;
  email_normalised: string;
  source: string;
  /** JSON array of risk flags, e.g. ["existing_contact"]. */
  flags: string;
  /** JSON object: why each flag was raised, e.g. {"disposable_email":"The friend's email domain …"}; null: none recorded. */
  flag_reasons: Generated<string | null>;
  status: ReferralStatus;
  reason: string | null;
  /** JSON: what live HubSpot data qualified (or rejected) it. */
  evidence: string | null;
  /** The deal whose stage qualified it, when a deal did. */
  deal_id: string | null;
  captured_at: number;
  qualified_at: number | null;
  decided_at: number | null;
}

/** A deal associated with a referred contact, as the service last read it (migration 014). */
export interface ReferredDealTable {
  referral_id: string;
  deal_id: string;
  program_id: string;
  /** Integer minor units of `currency`; null while HubSpot has no amount. */
  amount: number | null;
  currency: string | null;
  /** When it closed won; null while it is not in a closed-won stage. */
  won_at: number | null;
  read_at: number;
}

/** A referral being captured: the person is claimed, the HubSpot contact not yet settled. */
export interface ReferralClaimTable {
  id: string;
  program_id: string;
  enrolment_id: string;
  referrer_contact_id: string;
  email: string;
  email_normalised: string;
  source: string;
  first_name: string | null;
  last_name: string | null;
  captured_at: number;
  /** Start of the current holder's lease. */
  claimed_at: number;
  /** JSON array of the risk signals found at validation ({flag, reason}). */
  signals: Generated<string>;
}

export interface RewardTable {
  id: string;
  program_id: string;
  referral_id: string;
  recipient: 'referrer' | 'friend';
  recipient_contact_id: string;
  kind: string;
  /** Integer minor units of `currency`. */
  amount: number;
  currency: string;
  status: RewardState;
  /** program + referral + recipient: a second attempt to create the same reward collides here. */
  idempotency_key: string;
  review_reasons: string;
  hold_until: number | null;
  fulfilment_ref: string | null;
  /** The paused workflow callback to complete when a reviewer decides. */
  callback_id: string | null;
  created_at: number;
  updated_at: number;
  issued_at: number | null;
}

export interface ActionDecisionTable {
  /** HubSpot retries a callbackId for days, also concurrently: one row, one answer. */
  callback_id: string;
  action: string;
  program_id: string | null;
  object_type: string;
  object_id: string;
  /** The callback's state: BLOCK until it is completed. */
  execution_state: string;
  /** What every delivery of the callback is answered. */
  response: string;
  /** When the decision was made, and the output fields the callback is (or will be) completed with. */
  decided_at: number | null;
  outputs: string | null;
  completed_at: number | null;
  created_at: number;
}

export interface AuditEventTable {
  id: Generated<number>;
  entity: 'program' | 'enrolment' | 'referral' | 'reward' | 'job';
  entity_id: string;
  from_status: string | null;
  to_status: string | null;
  actor_type: 'hubspot_user' | 'workflow' | 'system' | 'admin' | 'public';
  actor_id: string | null;
  reason: string | null;
  data: string | null;
  at: number;
}

export interface ClickTable {
  id: Generated<number>;
  program_id: string | null;
  enrolment_id: string | null;
  code: string;
  at: number;
}

/** One fixed window of a rate limit's count (server/http/window-counters.ts). */
export interface RateLimitWindowTable {
  key: string;
  window_start: number;
  hits: number;
}

/** `canceled`: the job would have written a person's erased data back to HubSpot (docs/privacy.md). */
export type JobStatus = 'pending' | 'done' | 'dead' | 'canceled';

export interface JobTable {
  id: Generated<number>;
  kind: string;
  /** Optional: at most one live job per key (e.g. "sync-contact:123"). */
  dedupe_key: string | null;
  payload: string;
  status: JobStatus;
  attempts: number;
  run_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface BulkRunTable {
  id: string;
  program_id: string;
  kind: string;
  status: 'running' | 'done' | 'failed';
  dry_run: number;
  /** Resume point: the last HubSpot object id fully processed. */
  cursor: string | null;
  /** JSON counters: seen, enrolled, skipped, failed, apiCalls. */
  counts: string;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface WebhookEventTable {
  /** HubSpot's `eventId`: a redelivered event carries the same one. */
  event_id: string;
  subscription_type: string;
  object_id: string;
  property_value: string | null;
  occurred_at: number;
  processed_at: number;
}

export interface OwnerTaskTable {
  /** `review:<rewardId>`, `fulfilment:<rewardId>`, `hubspot-write:<jobId>` or `event-endpoint:<subscriptionId>@<since>`: one task per item. */
  item_key: string;
  program_id: string;
  contact_id: string;
  owner_id: string;
  /** Null until HubSpot has created the task. */
  hubspot_task_id: string | null;
  /** Set while a create call's outcome is unknown: a re-run then looks for the task before creating one. */
  create_started_at: number | null;
  /** `completed` once the item is resolved; the HubSpot task follows. */
  status: 'open' | 'completed';
  reason: string;
  created_at: number;
  updated_at: number;
}

export interface PrivacyErasureTable {
  id: string;
  /** The person's pseudonym (`erased:…`), never their contact id or email. */
  subject: string;
  trigger: 'hubspot_deletion' | 'hubspot_privacy_deletion' | 'admin';
  actor_type: AuditEventTable['actor_type'];
  actor_id: string | null;
  /** The HubSpot webhook event that asked for it. */
  event_id: string | null;
  /** JSON: how many rows of each kind were erased or canceled. */
  erased: string;
  at: number;
}

/** A sign-up, link click or landing-page capture, for fraud signals; kept only for the velocity window. */
export interface VisitTable {
  id: string;
  program_id: string;
  /** The referrer's enrolment: who signed up, or whose link or code was used. */
  enrolment_id: string;
  kind: 'signup' | 'click' | 'capture';
  /** Our first-party browser cookie's random id. */
  browser: string | null;
  ip: string | null;
  at: number;
}

export interface EventSubscriptionTable {
  id: string;
  program_id: string;
  /** `webhook`: a developer's; `fulfilment`: the program's fulfilment webhook, derived from its settings (one per program). */
  kind: 'webhook' | 'fulfilment';
  url: string;
  /** The signing secret given to the admin API; empty when `secret_ref` names a service setting that holds it. */
  secret: string;
  /** The name of the service setting (environment variable) holding the signing secret, read at each send. */
  secret_ref: string | null;
  /** JSON array of event types (`src/app/packages/contracts/events.ts`). */
  event_types: string;
  status: 'active' | 'paused' | 'deleted';
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export interface EventDeliveryTable {
  id: Generated<number>;
  subscription_id: string;
  /** The event's id: the Idempotency-Key of every attempt, and the same for every subscription. */
  event_id: string;
  event_type: string;
  /** Deliveries of one subscription and stream go out in id order: a referral's id, or an enrolment's. */
  stream_key: string;
  contact_id: string;
  /** The exact JSON body sent (and signed). */
  payload: string;
  /** `skipped`: ended unsent because it no longer applied (a fulfilment of a reward issued or canceled meanwhile). */
  status: 'pending' | 'delivered' | 'expired' | 'skipped';
  attempts: number;
  next_attempt_at: number;
  expires_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}
