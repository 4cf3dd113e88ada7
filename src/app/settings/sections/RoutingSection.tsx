import { Flex, Heading } from '@hubspot/ui-extensions';
import { getAt, SelectField } from '../fields';
import { OwnerPicker } from './OwnerPicker';
import { withCurrent, type SectionProps } from './section';

const ROUTING = [
  { label: "The referrer's owner", value: 'referrer_owner' },
  { label: 'Owners in turn (round robin)', value: 'round_robin' },
  { label: 'One owner', value: 'fixed' },
];

/** What a referred friend's new contact record gets: a lifecycle stage and an owner. */
export function RoutingSection(props: SectionProps) {
  const { draft, issues, onChange, portal } = props;
  const f = { draft, issues, onChange };
  const routing = String(getAt(draft, 'capture.routing.kind') ?? 'referrer_owner');
  const stages = withCurrent(portal.lifecycleStages.map((s) => ({ label: s.label, value: s.value })), getAt(draft, 'capture.lifecycleStage'),
    (v) => `A lifecycle stage this portal no longer has (${v}): choose another`);
  return (
    <Flex direction="column" gap="sm">
      <Heading>Referred contacts</Heading>
      <SelectField label="Lifecycle stage of a referred contact" path="capture.lifecycleStage" options={stages} {...f} />
      <SelectField label="Owner of a referred contact" path="capture.routing.kind" options={ROUTING} {...f}
        onChange={(_, kind) => onChange('capture.routing', kind === 'round_robin' ? { kind, ownerIds: [] } : kind === 'fixed' ? { kind, ownerId: '' } : { kind })} />
      {routing === 'round_robin' && <OwnerPicker label="Owners who take turns" path="capture.routing.ownerIds" multiple {...props} />}
      {routing === 'fixed' && <OwnerPicker label="Owner" path="capture.routing.ownerId" {...props} />}
    </Flex>
  );
}
