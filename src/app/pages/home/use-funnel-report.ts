import { useCallback, useEffect, useState } from 'react';
import type { FunnelReport } from '@referral-ops/contracts/funnel-report';
import { callFunction } from '@referral-ops/ui-shared/call-function';
import type { ReportRange } from './periods';

export type ReportState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; report: FunnelReport };

/** Loads the funnel report of all programs for a range; `reload` asks again. */
export function useFunnelReport(range: ReportRange): { state: ReportState; reload: () => void } {
  const [state, setState] = useState<ReportState>({ status: 'loading' });
  const [version, setVersion] = useState(0);
  const { from, to, interval, tz } = range;

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    void callFunction<FunnelReport>('funnel-report', { from, to, interval, tz }).then((result) => {
      if (!current) return;
      setState(result.ok ? { status: 'ready', report: result.data } : { status: 'error', message: result.error.message });
    });
    return () => {
      current = false;
    };
  }, [from, to, interval, tz, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { state, reload };
}
