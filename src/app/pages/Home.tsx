import { useState } from 'react';
import { Button, ErrorState, Flex, LoadingSpinner, Select, Text, useExtensionContext } from '@hubspot/ui-extensions';
import { PageTitle } from '@hubspot/ui-extensions/pages';
import { userLocale } from '@referral-ops/ui-shared/format';
import { FunnelView } from './home/FunnelView';
import { PERIODS, rangeFor, userTimeZone, type PeriodKey } from './home/periods';
import { useFunnelReport } from './home/use-funnel-report';

const PERIOD_OPTIONS = (Object.keys(PERIODS) as PeriodKey[]).map((value) => ({ value, label: PERIODS[value].label }));

/** The app's home: how the referral programs are doing, headline figures first, then the trend. */
export function HomePage({ now = Date.now, timeZone = userTimeZone() }: { now?: () => number; timeZone?: string }) {
  const context = useExtensionContext<'pages'>();
  const [period, setPeriod] = useState<PeriodKey>('30d');
  // Derived once per period choice: a new clock reading on every render would refetch forever.
  const [range, setRange] = useState(() => rangeFor(period, now(), timeZone));
  const { state, reload } = useFunnelReport(range);

  const choose = (value: PeriodKey) => {
    setPeriod(value);
    setRange(rangeFor(value, now(), timeZone));
  };

  return (
    <Flex direction="column" gap="medium">
      <PageTitle>Referral program</PageTitle>
      <Select
        label="Period"
        name="period"
        value={period}
        options={PERIOD_OPTIONS}
        onChange={(value) => choose(value as PeriodKey)}
      />
      {state.status === 'loading' && <LoadingSpinner label="Loading the referral report" layout="centered" />}
      {state.status === 'error' && (
        <ErrorState title="The referral report could not be loaded">
          <Text>{state.message}</Text>
          <Button onClick={reload}>Try again</Button>
        </ErrorState>
      )}
      {state.status === 'ready' && (
        <FunnelView report={state.report} locale={userLocale(context.user.locale)} portalId={context.portal.id} />
      )}
    </Flex>
  );
}
