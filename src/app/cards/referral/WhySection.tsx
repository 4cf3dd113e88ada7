import { useState } from 'react';
import { Alert, Button, Flex, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import type { WhyAnswer } from '@referral-ops/contracts/explain';
import { callFunction } from '@referral-ops/ui-shared/call-function';
import { WhyExplanation } from '@referral-ops/ui-shared/why-explanation';

type State = { status: 'idle' | 'loading' } | { status: 'ready'; answer: WhyAnswer } | { status: 'error'; message: string };

/**
 * The "why?" of the settings page for the contact the card is on: asked on demand, since it reads
 * the contact, its deals and the portal's stages from HubSpot, which most card views do not need.
 */
export function WhySection({ contactId, locale }: { contactId: number; locale: string }) {
  const [state, setState] = useState<State>({ status: 'idle' });

  const ask = async () => {
    setState({ status: 'loading' });
    const result = await callFunction<WhyAnswer>('explain', { action: 'why', contactId: String(contactId) }, { propertiesToSend: ['hs_object_id'] });
    setState(result.ok ? { status: 'ready', answer: result.data } : { status: 'error', message: result.error.message });
  };

  return (
    <Flex direction="column" gap="xs">
      {state.status !== 'ready' && (
        <Text variant="microcopy">Would this contact be enrolled, and what would &quot;Qualify referral&quot; decide now?</Text>
      )}
      {state.status === 'loading' && <LoadingSpinner label="Asking why" />}
      {state.status === 'error' && <Alert title="Could not explain" variant="error">{state.message}</Alert>}
      {state.status === 'ready' && <WhyExplanation answer={state.answer} locale={locale} />}
      <Button size="xs" testId="ask-why" onClick={() => void ask()} disabled={state.status === 'loading'}>
        {state.status === 'ready' ? 'Ask again' : 'Why?'}
      </Button>
    </Flex>
  );
}
