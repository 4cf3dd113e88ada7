/**
 * Programs for the settings page: list, get, save and the launch checklist. A save is checked with the service's own
 * schema first, so the page gets every field issue without a round trip that would fail anyway.
 */
import { z } from 'zod';
import { parseProgram } from '../../app/packages/domain/program';
import { defineFunction } from '../lib/define-function';
import { ServiceError } from '../lib/service-client';

const parameters = z.discriminatedUnion('action', [
  z.object({ action: z.literal('list') }),
  z.object({ action: z.literal('get'), programId: z.string().min(1) }),
  z.object({ action: z.literal('save'), program: z.record(z.string(), z.unknown()) }),
  z.object({ action: z.literal('doctor'), programId: z.string().min(1) }),
]);

const fn = defineFunction(
  parameters,
  async ({ params, service }) => {
    switch (params.action) {
      case 'list':
        return { programs: await service.listPrograms() };
      case 'get':
        return { program: await service.getProgram(params.programId) };
      case 'doctor':
        return { checklist: await service.doctor(params.programId) };
      case 'save': {
        const parsed = parseProgram(params.program);
        if (!parsed.ok) throw new ServiceError('VALIDATION_FAILED', 'Some settings are not valid; fix the fields marked and save again.', parsed.issues);
        return { program: await service.saveProgram(parsed.program.id, params.program) };
      }
    }
  },
  { requiresActor: true },
);

export const { main, handle } = fn;
