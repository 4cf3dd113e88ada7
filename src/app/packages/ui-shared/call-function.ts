import { hubspot, type JsonValue } from '@hubspot/ui-extensions';
import type { ActingUser, FunctionResult } from '@referral-ops/contracts/app-functions';

/**
 * Runs one of the app's functions. Functions answer with a FunctionResult; a rejected call (function
 * missing, crashed, timed out) becomes one too, so screens handle a single failure shape.
 */
export async function callFunction<T>(
  name: string,
  parameters: Record<string, JsonValue>,
  options: { propertiesToSend?: string[] } = {},
): Promise<FunctionResult<T>> {
  try {
    const answer = await hubspot.serverless<FunctionResult<T> | undefined>(name, { parameters, propertiesToSend: options.propertiesToSend });
    if (answer && typeof answer === 'object' && 'ok' in answer) return answer;
    return { ok: false, error: { code: 'BAD_ANSWER', message: `The ${name} function gave an unexpected answer; make sure the latest project build is deployed.` } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'CALL_FAILED', message: `Could not run ${name} (${reason}). Try again; if it keeps failing, an admin can check the app's function logs.` } };
  }
}

/** The signed-in HubSpot user, sent along so the service can record who decided. */
export function actingUser(user: { id: number; email: string }): ActingUser & Record<string, JsonValue> {
  return { userId: String(user.id), email: user.email };
}
