import { z } from 'zod';
const c = z.union([z.boolean(), z.enum(['on', ''])]).transform((v) => v === true || v === 'on');
for (const s of [
  z.object({ consent: c.optional().refine((v) => v === true, 'need') }),
  z.object({ consent: c.default(false).refine((v) => v === true, 'need') }),
  z.object({ consent: z.preprocess((v) => v ?? false, c).refine((v) => v === true, 'need') }),
]) console.log(JSON.stringify(s.safeParse({}).error?.issues), JSON.stringify(s.safeParse({consent: 'on'})));
