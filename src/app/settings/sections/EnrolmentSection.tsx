import { Button, Flex, Heading, Text } from '@hubspot/ui-extensions';
import { getAt, ToggleField } from '../fields';
import { CriteriaCondition } from './CriteriaCondition';
import type { SectionProps } from './section';

/** Who is enrolled automatically: rules ORed, the conditions of a rule ANDed, as HubSpot's list filters read. */
export function EnrolmentSection(props: SectionProps) {
  const { draft, issues, onChange } = props;
  const groups = (getAt(draft, 'enrolment.criteria') as { filters: unknown[] }[] | undefined) ?? [];
  return (
    <Flex direction="column" gap="sm">
      <Heading>Enrolment</Heading>
      <ToggleField label="Allow enrolling contacts by hand from the contact card" path="enrolment.allowManual" draft={draft} issues={issues} onChange={onChange} />
      <Text variant="microcopy">Contacts matching any rule below are enrolled automatically; all conditions of a rule must hold.</Text>
      {groups.map((group, g) => (
        <Flex direction="column" gap="xs" key={`group-${g}`} testId={`criteria-group-${g}`}>
          <Text format={{ fontWeight: 'bold' }}>{g === 0 ? 'Contacts where' : 'Or contacts where'}</Text>
          {group.filters.map((_, i) => (
            <CriteriaCondition key={`enrolment.criteria.${g}.filters.${i}`} at={`enrolment.criteria.${g}.filters.${i}`} {...props}
              onRemove={() => (group.filters.length > 1
                ? onChange(`enrolment.criteria.${g}.filters`, group.filters.filter((__, j) => j !== i))
                // A rule without conditions would match every contact; removing its last condition removes the rule.
                : onChange('enrolment.criteria', groups.filter((__, j) => j !== g)))} />
          ))}
          <Button size="xs" onClick={() => onChange(`enrolment.criteria.${g}.filters`, [...group.filters, { propertyName: '', operator: 'EQ' }])}>Add condition</Button>
        </Flex>
      ))}
      <Button size="xs" testId="add-criteria-group" onClick={() => onChange('enrolment.criteria', [...groups, { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] }])}>Add enrolment rule</Button>
    </Flex>
  );
}
