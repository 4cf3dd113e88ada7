import type { RunningSandbox } from '../sandbox';
import type { AppContext } from './context';
import { listPrograms, saveProgram } from './programs/repository';

export const DEMO_PROGRAM_ID = 'demo';

/**
 * In sandbox mode, a ledger with no program gets a demo program, and the sandbox portal a workflow
 * that runs "Qualify referral" when a contact becomes a customer, so the whole loop can be tried
 * by hand (README, "Try it locally"). Never runs against a real portal.
 */
export async function prepareSandboxDemo(ctx: AppContext, sandbox: RunningSandbox): Promise<void> {
  if ((await listPrograms(ctx.database.db)).length === 0) {
    const owner = sandbox.portal.owners.ids()[0];
    await saveProgram(
      ctx.database.db,
      {
        id: DEMO_PROGRAM_ID,
        name: 'Demo referral program',
        status: 'active',
        ...(owner && { ownerId: owner }),
        enrolment: { paths: ['hubspot', 'signup'] },
        rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, friend: { kind: 'discount', amount: 2000, currency: 'USD' } },
        review: { amountAbove: 10_000 },
      },
      ctx.clock(),
    );
    ctx.logger.info({ program: DEMO_PROGRAM_ID }, 'sandbox: created the demo program');
  }
  sandbox.engine.register({
    name: 'Qualify referrals when a contact becomes a customer',
    trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
    action: { uid: 'qualify_referral_action' },
    inputFields: { program: DEMO_PROGRAM_ID, milestone_kind: 'program_default' },
  });
}
