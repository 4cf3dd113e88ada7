import { useState } from 'react';
import { Alert, Button, Flex, Heading, Input, LoadingButton, LoadingSpinner, Text } from '@hubspot/ui-extensions';
import type { ContactLink, ContactSearchAnswer, WhyAnswer } from '@referral-ops/contracts/explain';
import { callFunction } from '@referral-ops/ui-shared/call-function';
import { WhyExplanation } from '@referral-ops/ui-shared/why-explanation';

type Found = { status: 'idle' } | { status: 'searching' } | { status: 'found'; contacts: ContactLink[] } | { status: 'error'; message: string };
type Why = { status: 'idle' } | { status: 'loading'; name: string } | { status: 'ready'; answer: WhyAnswer } | { status: 'error'; message: string };

/**
 * "Why?": find a contact by name or email, then see whether the program would enrol them and, for a
 * referred contact, what "Qualify referral" would decide now and why. Uses the saved program.
 */
export function WhyPanel({ programId, locale }: { programId: string; locale: string }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found>({ status: 'idle' });
  const [why, setWhy] = useState<Why>({ status: 'idle' });

  const search = async () => {
    setFound({ status: 'searching' });
    const result = await callFunction<ContactSearchAnswer>('explain', { action: 'search', q: query });
    setFound(result.ok ? { status: 'found', contacts: result.data.contacts } : { status: 'error', message: result.error.message });
  };

  const explain = async (contact: ContactLink) => {
    setWhy({ status: 'loading', name: contact.name });
    const result = await callFunction<WhyAnswer>('explain', { action: 'why', contactId: contact.contactId, programId });
    setWhy(result.ok ? { status: 'ready', answer: result.data } : { status: 'error', message: result.error.message });
  };

  return (
    <Flex direction="column" gap="sm" testId="why-panel">
      <Heading>Why? Ask about one contact</Heading>
      <Text variant="microcopy">Whether this program would enrol a contact, and for a referred contact what &quot;Qualify referral&quot; would decide now. Uses the saved settings and changes nothing.</Text>
      <Flex gap="xs" align="end">
        <Input label="Contact name or email" name="why-query" value={query} onChange={(v) => setQuery(String(v ?? ''))} />
        <LoadingButton loading={found.status === 'searching'} disabled={query.trim().length < 2} onClick={search}>Find</LoadingButton>
      </Flex>
      {found.status === 'error' && <Alert title="The search failed" variant="error">{found.message}</Alert>}
      {found.status === 'found' && found.contacts.length === 0 && (
        <Text>No contact found. HubSpot&apos;s search finds new contacts after a few seconds; a whole email address finds them at once.</Text>
      )}
      {found.status === 'found' && found.contacts.map((c) => (
        <Button key={c.contactId} size="xs" variant="transparent" testId={`why-contact-${c.contactId}`} onClick={() => void explain(c)}>
          {c.name}{c.email ? ` (${c.email})` : ''}
        </Button>
      ))}
      {why.status === 'loading' && <LoadingSpinner label={`Asking why for ${why.name}`} />}
      {why.status === 'error' && <Alert title="Could not explain" variant="error">{why.message}</Alert>}
      {why.status === 'ready' && <WhyExplanation answer={why.answer} locale={locale} />}
    </Flex>
  );
}
