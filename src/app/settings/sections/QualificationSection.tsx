import { Flex, Heading, Select } from '@hubspot/ui-extensions';
import {
  MILESTONE_KIND_WORDS, propertyOperatorsFor, propertyOperatorWords, propertyValueKind, type Milestone, type PropertyOperator,
} from '@referral-ops/domain/program';
import { getAt, NumberField, SelectField, ToggleField } from '../fields';
import { PropertyPicker } from './PropertyPicker';
import { PropertyValueInput } from './PropertyValueInput';
import { findProperty, withCurrent, type SectionProps } from './section';

const KINDS = Object.keys(MILESTONE_KIND_WORDS) as Array<Milestone['kind']>;
const M = 'qualification.milestone';

/** The milestone "Qualify referral" checks when a workflow step does not name its own. */
export function QualificationSection(props: SectionProps) {
  const { draft, issues, onChange, portal } = props;
  const f = { draft, issues, onChange };
  const kind = String(getAt(draft, `${M}.kind`) ?? 'lifecycle_stage') as Milestone['kind'];
  const pipelineId = getAt(draft, `${M}.pipelineId`);
  const pipeline = portal.dealPipelines.find((p) => p.id === pipelineId);
  const property = findProperty(portal, getAt(draft, `${M}.propertyName`));
  const valueKind = propertyValueKind(property?.type ?? 'string');
  const operator = getAt(draft, `${M}.operator`) as PropertyOperator | undefined;
  const stages = portal.lifecycleStages.map((s) => ({ label: s.label, value: s.value }));
  const gone = (what: string) => (value: string) => `A ${what} this portal no longer has (${value}): choose another`;

  const chooseKind = (next: Milestone['kind']) => {
    const firstPipeline = portal.dealPipelines[0];
    onChange(M, next === 'deal_stage'
      ? { kind: next, pipelineId: firstPipeline?.id ?? '', stageId: '', orLater: true }
      : next === 'property' ? { kind: next, propertyName: '', operator: 'eq' } : { kind: next, stage: 'customer' });
  };

  return (
    <Flex direction="column" gap="sm">
      <Heading>Qualification default</Heading>
      <SelectField label="A referral qualifies when" path={`${M}.kind`} options={KINDS.map((k) => ({ label: MILESTONE_KIND_WORDS[k], value: k }))} {...f}
        onChange={(_, next) => chooseKind(next as Milestone['kind'])} />
      {kind === 'lifecycle_stage' && (
        <SelectField label="Lifecycle stage" path={`${M}.stage`} options={withCurrent(stages, getAt(draft, `${M}.stage`), gone('lifecycle stage'))} {...f} />
      )}
      {kind === 'deal_stage' && (
        <>
          <SelectField label="Pipeline" path={`${M}.pipelineId`} {...f}
            options={withCurrent(portal.dealPipelines.map((p) => ({ label: p.label, value: p.id })), pipelineId, gone('pipeline'))}
            // The stages belong to the pipeline: a stage of the previous one cannot stay chosen.
            onChange={(_, id) => onChange(M, { ...(getAt(draft, M) as object), pipelineId: id, stageId: '' })} />
          <SelectField label="Deal stage" path={`${M}.stageId`} {...f}
            options={withCurrent((pipeline?.stages ?? []).map((s) => ({ label: s.label, value: s.id })), getAt(draft, `${M}.stageId`) || undefined, gone('deal stage'))} />
          <ToggleField label="A later stage of the pipeline counts too" path={`${M}.orLater`} {...f} />
        </>
      )}
      {kind === 'property' && (
        <>
          <PropertyPicker label="Property" path={`${M}.propertyName`} portal={portal} draft={draft} issues={issues}
            onPick={(name) => onChange(M, { kind, propertyName: name, operator: 'eq', ...(findProperty(portal, name)?.type === 'bool' ? { value: 'true' } : {}) })} />
          <Select label="Condition" name={`${M}.operator`} value={operator}
            options={propertyOperatorsFor(valueKind).map((op) => ({ label: propertyOperatorWords(op, valueKind), value: op }))}
            error={Boolean(issues[`${M}.operator`])} validationMessage={issues[`${M}.operator`]}
            onChange={(op) => onChange(M, op === 'is_set'
              ? { kind, propertyName: getAt(draft, `${M}.propertyName`), operator: op }
              : { ...(getAt(draft, M) as object), operator: op })} />
          {operator && <PropertyValueInput at={M} property={property} kind={valueKind} shape={operator === 'is_set' ? 'none' : 'one'} dateAs="iso" draft={draft} issues={issues} onChange={onChange} />}
        </>
      )}
      <NumberField label="Qualification window (days)" path="qualification.windowDays" description="How long after the referral the milestone still counts." {...f} />
      <NumberField label="Attribution window (days)" path="capture.attributionWindowDays" description="How long after a click a new contact still counts as referred." {...f} />
    </Flex>
  );
}
