import type { ActionResponse, ExecutionState } from '../hubspot/action-request';

/** The values of the action's `referral_status` output field; workflows branch on them. */
export type ReferralOutcome = 'qualified' | 'not_qualified' | 'not_referred' | 'pending_review' | 'rejected';

export interface QualifyOutputs {
  referral_status: ReferralOutcome;
  /** The referrer's reward status, or "none". */
  reward_status: string;
  reward_id: string;
  reason: string;
}

export function successResponse(outputs: QualifyOutputs, state: ExecutionState = 'SUCCESS'): ActionResponse {
  return { outputFields: { ...outputs, hs_execution_state: state } };
}

/** Review pauses the workflow; HubSpot resumes it when the reviewer's decision completes the callback. */
export function blockResponse(expirationDays: number): ActionResponse {
  return { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: `P${expirationDays}D` } };
}
