import type { Migration } from 'kysely';
import type { Dialect } from '../dialect';
import { ledger } from './001-ledger';
import { reportingIndexes } from './002-reporting-indexes';
import { webhookEvents } from './003-webhook-events';
import { ownerTasks } from './004-owner-tasks';
import { reportRollup } from './005-report-rollup';
import { decisionRollup } from './006-decision-rollup';
import { deferredDecisions } from './007-deferred-decisions';
import { capIndexes } from './008-cap-indexes';
import { rateLimitWindows } from './009-rate-limit-windows';
import { privacyErasures } from './010-privacy-erasures';
import { referralClaims } from './011-referral-claims';
import { fraudSignals } from './012-fraud-signals';
import { eventSubscriptions } from './013-event-subscriptions';
import { referredRevenue } from './014-referred-revenue';
import { dashboardTokens } from './015-dashboard-tokens';
import { fulfilmentSubscriptions } from './016-fulfilment-subscriptions';

/** Versioned migrations, applied in key order. Never edit one that has shipped: add the next. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001-ledger': ledger(dialect),
    '002-reporting-indexes': reportingIndexes,
    '003-webhook-events': webhookEvents,
    '004-owner-tasks': ownerTasks,
    '005-report-rollup': reportRollup(dialect),
    '006-decision-rollup': decisionRollup(dialect),
    '007-deferred-decisions': deferredDecisions,
    '008-cap-indexes': capIndexes,
    '009-rate-limit-windows': rateLimitWindows,
    '010-privacy-erasures': privacyErasures,
    '011-referral-claims': referralClaims,
    '012-fraud-signals': fraudSignals,
    '013-event-subscriptions': eventSubscriptions(dialect),
    '014-referred-revenue': referredRevenue(dialect),
    '015-dashboard-tokens': dashboardTokens,
    '016-fulfilment-subscriptions': fulfilmentSubscriptions,
  };
}
