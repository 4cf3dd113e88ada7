import { useEffect, useState } from 'react';
import { Alert } from '@hubspot/ui-extensions';
import type { ActingUser } from '@referral-ops/contracts/app-functions';
import type { InFlight } from '@referral-ops/contracts/portal-options';
import { callFunction } from '@referral-ops/ui-shared/call-function';
import { inFlightSentence } from './unsaved';

/** Before an active program is saved: which referrals in flight the new settings reach. */
export function InFlightNotice({ programId, actor }: { programId: string; actor: ActingUser }) {
  const [sentence, setSentence] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    void callFunction<{ inFlight: InFlight }>('program-settings', { action: 'in-flight', programId, actor: { ...actor } }).then((result) => {
      if (current && result.ok) setSentence(inFlightSentence(result.data.inFlight));
    });
    return () => {
      current = false;
    };
    // `actor` is the same user for the page's lifetime; only another program asks again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [programId]);
  if (!sentence) return null;
  return <Alert title="This program is live" variant="warning">Saving changes it for referrals already in flight: {sentence}</Alert>;
}
