import { useCallback, useEffect, useState } from 'react';
import type { ReferralStoryAnswer } from '@referral-ops/contracts/app-functions';
import { callFunction } from '@referral-ops/ui-shared/call-function';

export type StoryState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; answer: ReferralStoryAnswer };

/** Loads the contact's referral story; `reload` fetches it again after an action changed it. */
export function useReferralStory(contactId: number): { state: StoryState; reload: () => void } {
  const [state, setState] = useState<StoryState>({ status: 'loading' });
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    void callFunction<ReferralStoryAnswer>('referral-story', { contactId: String(contactId) }, { propertiesToSend: ['hs_object_id'] }).then(
      (result) => {
        if (!current) return;
        setState(result.ok ? { status: 'ready', answer: result.data } : { status: 'error', message: result.error.message });
      },
    );
    return () => {
      current = false;
    };
  }, [contactId, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { state, reload };
}
