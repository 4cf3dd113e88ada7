/** The app home page's data: the funnel report from the service, for one period and interval. */
import { z } from 'zod';
import { defineFunction } from '../lib/define-function';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD');
const parameters = z.object({
  from: day,
  to: day,
  interval: z.enum(['day', 'week']).default('day'),
  tz: z.string().min(1).default('UTC'),
  program: z.string().optional(),
});

const fn = defineFunction(parameters, async ({ params, service }) => service.funnelReport(params), { requiresActor: false });

export const { main, handle } = fn;
