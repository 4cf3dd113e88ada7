import { Flex } from '@hubspot/ui-extensions';
import { PROGRAM_STATUSES, PROGRAM_STATUS_WORDS } from '@referral-ops/domain/program';
import { SelectField, TextField } from '../fields';
import { OwnerPicker } from './OwnerPicker';
import type { SectionProps } from './section';

/** Name, status and the owner responsible for the program. */
export function GeneralSection(props: SectionProps) {
  const { draft, issues, onChange } = props;
  const f = { draft, issues, onChange };
  return (
    <Flex direction="column" gap="sm">
      <TextField label="Name" path="name" {...f} />
      <SelectField label="Status" path="status" options={PROGRAM_STATUSES.map((s) => ({ label: PROGRAM_STATUS_WORDS[s], value: s }))} {...f} />
      <OwnerPicker label="Program owner" path="ownerId" description="Gets a HubSpot task when something needs a person, such as a failing event endpoint." {...props} />
    </Flex>
  );
}
