import { Router } from 'express';
import { z } from 'zod';
import type { AppContext, Feature } from '../context';
import { validationError } from '../errors';
import { listPrograms } from '../programs/repository';

/**
 * HubSpot's optionsUrl request: it asks for one input field's choices, optionally filtered by `q`.
 * The other fields' values arrive typed (`{type: "STATIC_VALUE", value}`); a plain string is read too.
 */
const optionsRequest = z.looseObject({
  inputFields: z.record(z.string(), z.unknown()).default({}),
  fetchOptions: z.looseObject({ q: z.string().optional(), after: z.string().optional() }).optional(),
});

interface Option {
  label: string;
  value: string;
  description?: string;
}

/** A field's static value as chosen so far; undefined for a property reference or nothing chosen. */
function staticValue(inputFields: Record<string, unknown>, name: string): string | undefined {
  const field = inputFields[name];
  if (typeof field === 'string') return field || undefined;
  const typed = field as { type?: unknown; value?: unknown } | undefined;
  return typed?.type === 'STATIC_VALUE' && typeof typed.value === 'string' && typed.value ? typed.value : undefined;
}

function answer(options: Option[], q: string | undefined) {
  const needle = q?.trim().toLowerCase();
  const filtered = needle ? options.filter((o) => o.label.toLowerCase().includes(needle) || o.value.toLowerCase().includes(needle)) : options;
  return { options: filtered, searchable: true };
}

/** Choices for the workflow actions' dropdowns, read live so customised portals see their own. */
export function optionsFeature(ctx: AppContext): Feature {
  const hubspot = Router();
  const parse = (body: unknown) => {
    const r = optionsRequest.safeParse(body ?? {});
    if (!r.success) throw validationError(r.error, 'options request');
    return r.data;
  };
  hubspot.post('/options/programs', async (req, res) => {
    const { fetchOptions } = parse(req.body);
    const programs = await listPrograms(ctx.database.db);
    res.json(answer(programs.map((p) => ({ label: p.name, value: p.id, description: p.status })), fetchOptions?.q));
  });
  hubspot.post('/options/lifecycle-stages', async (req, res) => {
    const { fetchOptions } = parse(req.body);
    const stages = (await ctx.portalSettings.lifecycleStages()).sort((a, b) => a.displayOrder - b.displayOrder);
    res.json(answer(stages.map((s) => ({ label: s.label ?? s.value, value: s.value })), fetchOptions?.q));
  });
  hubspot.post('/options/pipelines', async (req, res) => {
    const { fetchOptions } = parse(req.body);
    const pipelines = await ctx.portalSettings.pipelines();
    res.json(answer(pipelines.map((p) => ({ label: p.label ?? p.id, value: p.id })), fetchOptions?.q));
  });
  hubspot.post('/options/deal-stages', async (req, res) => {
    const { inputFields, fetchOptions } = parse(req.body);
    const pipelineId = staticValue(inputFields, 'pipeline');
    const pipelines = (await ctx.portalSettings.pipelines()).filter((p) => !pipelineId || p.id === pipelineId);
    const options = pipelines.flatMap((p) =>
      [...p.stages].sort((a, b) => a.displayOrder - b.displayOrder).map((s) => ({
        label: pipelineId ? (s.label ?? s.id) : `${p.label ?? p.id}: ${s.label ?? s.id}`,
        value: s.id,
      })),
    );
    res.json(answer(options, fetchOptions?.q));
  });
  return { hubspot };
}
