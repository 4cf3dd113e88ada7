import { conflict, notFound, validationError } from './errors';

export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  /** HubSpot sends metadata values as strings: `{ isClosed: "true", probability: "1.0" }`. */
  metadata: { isClosed: string; probability: string };
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStage[];
  createdAt: number;
  updatedAt: number;
  archived: boolean;
}

export interface StageInput {
  id?: string;
  label: string;
  displayOrder: number;
  metadata: { isClosed?: string | boolean; probability: string | number };
}

const defaultDealStages: Array<[string, string, number, boolean]> = [
  ['appointmentscheduled', 'Appointment Scheduled', 0.2, false],
  ['qualifiedtobuy', 'Qualified To Buy', 0.4, false],
  ['presentationscheduled', 'Presentation Scheduled', 0.6, false],
  ['decisionmakerboughtin', 'Decision Maker Bought-In', 0.8, false],
  ['contractsent', 'Contract Sent', 0.9, false],
  ['closedwon', 'Closed Won', 1, true],
  ['closedlost', 'Closed Lost', 0, true],
];

/** Deal pipelines and their stages; `dealstage` values are validated against these. */
export class PipelineStore {
  private pipelines = new Map<string, Pipeline>();
  private nextId = 1;

  constructor(private readonly clock: () => number) {
    this.reset();
  }

  reset(): void {
    this.pipelines = new Map();
    this.nextId = 1;
    this.create({
      id: 'default', label: 'Sales Pipeline', displayOrder: 0,
      stages: defaultDealStages.map(([id, label, probability, isClosed], displayOrder) => ({
        id, label, displayOrder, metadata: { probability, isClosed },
      })),
    });
  }

  list(): Pipeline[] {
    return [...this.pipelines.values()].filter((p) => !p.archived).sort((a, b) => a.displayOrder - b.displayOrder);
  }

  find(id: string): Pipeline | undefined {
    const p = this.pipelines.get(id);
    return p && !p.archived ? p : undefined;
  }

  get(id: string): Pipeline {
    const p = this.find(id);
    if (!p) throw notFound(`Unable to find pipeline ${id}`, { pipelineId: [id] });
    return p;
  }

  create(input: { id?: string; label: string; displayOrder: number; stages: StageInput[] }): Pipeline {
    if (input.stages.length === 0) throw validationError('A pipeline needs at least one stage.');
    const id = input.id ?? String(this.nextId++ + 100_000);
    if (this.pipelines.has(id)) throw conflict(`A pipeline with id ${id} already exists.`);
    if (this.list().some((p) => p.label === input.label)) throw conflict(`A pipeline labelled '${input.label}' already exists.`);
    const now = this.clock();
    const stages = input.stages.map((s, i): PipelineStage => ({
      id: s.id ?? `${id}-stage-${i + 1}`,
      label: s.label,
      displayOrder: s.displayOrder,
      metadata: { isClosed: String(s.metadata.isClosed ?? false), probability: formatProbability(s.metadata.probability) },
      createdAt: now, updatedAt: now, archived: false,
    }));
    const pipeline: Pipeline = { id, label: input.label, displayOrder: input.displayOrder, stages, createdAt: now, updatedAt: now, archived: false };
    this.pipelines.set(id, pipeline);
    return pipeline;
  }

  stageIds(pipelineId: string): string[] {
    return this.find(pipelineId)?.stages.filter((s) => !s.archived).map((s) => s.id) ?? [];
  }
}

function formatProbability(p: string | number): string {
  const n = Number(p);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw validationError(`Stage probability ${p} must be a number between 0 and 1.`);
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}
