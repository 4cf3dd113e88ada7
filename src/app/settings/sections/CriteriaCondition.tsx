import { Button, Flex, Select } from '@hubspot/ui-extensions';
import {
  searchOperands, searchOperatorsFor, searchOperatorWords, propertyValueKind, type SearchOperator,
} from '@referral-ops/domain/program';
import { getAt } from '../fields';
import { PropertyPicker } from './PropertyPicker';
import { PropertyValueInput } from './PropertyValueInput';
import { findProperty, type SectionProps } from './section';

interface Props extends SectionProps {
  /** e.g. "enrolment.criteria.0.filters.2" */
  at: string;
  onRemove: () => void;
}

/** One enrolment condition: a property, an operator in words that fits its type, and a value input that fits it too. */
export function CriteriaCondition({ at, onRemove, ...section }: Props) {
  const { draft, issues, onChange, portal } = section;
  const property = findProperty(portal, getAt(draft, `${at}.propertyName`));
  const kind = propertyValueKind(property?.type ?? 'string');
  const operator = getAt(draft, `${at}.operator`) as SearchOperator | undefined;
  // An operator saved for another kind of property stays visible so the admin can see and change it.
  const operators = operator && !searchOperatorsFor(kind).includes(operator) ? [...searchOperatorsFor(kind), operator] : searchOperatorsFor(kind);

  const pickProperty = (name: string) => {
    const picked = findProperty(portal, name);
    const pickedKind = propertyValueKind(picked?.type ?? 'string');
    // A new property starts a new condition: the operator and value of the old one may not fit it.
    onChange(at, pickedKind === 'bool' ? { propertyName: name, operator: 'EQ', value: 'true' } : { propertyName: name, operator: 'EQ' });
  };
  const pickOperator = (next: SearchOperator) => {
    const was = operator ? searchOperands(operator) : 'one';
    const shape = searchOperands(next);
    const kept = shape === was ? getAt(draft, at) as Record<string, unknown> : { propertyName: getAt(draft, `${at}.propertyName`) };
    onChange(at, { ...kept, operator: next });
  };

  return (
    <Flex gap="xs" align="end" wrap="wrap">
      <PropertyPicker label="Property" path={`${at}.propertyName`} portal={portal} draft={draft} issues={issues} onPick={pickProperty} />
      <Select label="Condition" name={`${at}.operator`} value={operator} options={operators.map((op) => ({ label: searchOperatorWords(op, kind), value: op }))}
        error={Boolean(issues[`${at}.operator`])} validationMessage={issues[`${at}.operator`]} onChange={(op) => pickOperator(op as SearchOperator)} />
      {operator && <PropertyValueInput at={at} property={property} kind={kind} shape={searchOperands(operator)} dateAs="epoch" draft={draft} issues={issues} onChange={onChange} />}
      <Button size="xs" variant="transparent" onClick={onRemove}>Remove</Button>
    </Flex>
  );
}
