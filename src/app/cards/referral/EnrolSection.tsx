import { useState } from 'react';
import { Alert, EmptyState, Flex, LoadingButton, Select, Text } from '@hubspot/ui-extensions';

interface Props {
  programs: Array<{ id: string; name: string }>;
  onEnrol: (programId: string) => Promise<string | null>;
}

/** Neither referrer nor referred: offer enrolment in programs that allow it by hand. */
export function EnrolSection({ programs, onEnrol }: Props) {
  const [programId, setProgramId] = useState(programs[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (programs.length === 0) {
    return (
      <EmptyState title="Not in a referral program" layout="vertical" flush>
        <Text>
          This contact is neither a referrer nor a referred friend. No program allows enrolling contacts by hand; an admin can turn on
          manual enrolment in the Referral Ops settings, or a workflow can enrol contacts.
        </Text>
      </EmptyState>
    );
  }

  const enrol = async () => {
    setBusy(true);
    setError(await onEnrol(programId));
    setBusy(false);
  };

  return (
    <Flex direction="column" gap="xs">
      <Text>This contact is not in a referral program yet. Enrol them to give them a referral code and link.</Text>
      <Select label="Program" name="program" value={programId} options={programs.map((p) => ({ label: p.name, value: p.id }))} onChange={(v) => setProgramId(String(v))} />
      {error && <Alert title="Enrolment failed" variant="error">{error}</Alert>}
      <LoadingButton loading={busy} variant="primary" onClick={enrol}>Enrol as referrer</LoadingButton>
    </Flex>
  );
}
