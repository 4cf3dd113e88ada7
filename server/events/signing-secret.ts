import type { Selectable } from 'kysely';
import type { EventSubscriptionTable } from '../db/schema';

export type SecretLookup = Record<string, string | undefined>;

/**
 * The secret a subscription's deliveries are signed with: its own, or the value of the service
 * setting it names, read at each send so a rotated secret takes effect with the restart that sets it.
 * A named setting that is missing is an error, never a reason to send unsigned. Only a fulfilment
 * webhook configured without `secretRef` has none (its program setting allows it).
 */
export function signingSecret(
  subscription: Pick<Selectable<EventSubscriptionTable>, 'secret' | 'secret_ref'>, env: SecretLookup,
): { secret: string | undefined } | { error: string } {
  if (subscription.secret_ref) {
    const value = env[subscription.secret_ref]?.trim();
    return value ? { secret: value } : { error: `the service setting ${subscription.secret_ref} (the signing secret) is not set, and nothing is sent unsigned` };
  }
  return { secret: subscription.secret || undefined };
}
