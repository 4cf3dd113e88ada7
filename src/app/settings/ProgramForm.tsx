import { Flex } from '@hubspot/ui-extensions';
import { EnrolmentSection } from './sections/EnrolmentSection';
import { GeneralSection } from './sections/GeneralSection';
import { PublicPagesSection } from './sections/PublicPagesSection';
import { QualificationSection } from './sections/QualificationSection';
import { ReviewSection } from './sections/ReviewSection';
import { RewardsSection } from './sections/RewardsSection';
import { RoutingSection } from './sections/RoutingSection';
import type { SectionProps } from './sections/section';

/**
 * One program's settings, section by section, in the shape of the domain package's program.ts.
 * Everything HubSpot knows (owners, stages, pipelines, properties, currencies) is picked from the
 * portal; no field asks for an id.
 */
export function ProgramForm(props: SectionProps) {
  return (
    <Flex direction="column" gap="md">
      <GeneralSection {...props} />
      <EnrolmentSection {...props} />
      <QualificationSection {...props} />
      <RewardsSection {...props} />
      <PublicPagesSection {...props} />
      <ReviewSection {...props} />
      <RoutingSection {...props} />
    </Flex>
  );
}
