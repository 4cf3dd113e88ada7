import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LoadPlan {
  url: string;
  concurrency: number;
  requests: Array<{ path: string; headers: Record<string, string>; body: string }>;
}

/** Run a plan from a separate process (see load-client.ts). */
export async function runLoadProcess(plan: LoadPlan): Promise<LoadResult> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'load-')), 'plan.json');
  fs.writeFileSync(file, JSON.stringify(plan));
  try {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, 'load-client.ts'), file], { maxBuffer: 1 << 24 }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    return JSON.parse(stdout) as LoadResult;
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** A closed-loop load generator: `concurrency` clients each send their next request when the last answered. */
export interface LoadResult {
  requests: number;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
  statuses: Record<number, number>;
}

export async function runLoad(total: number, concurrency: number, send: (i: number) => Promise<number>): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t0 = performance.now();
        const status = await send(i);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { requests: total, seconds, throughput: total / seconds, p50: pct(50), p99: pct(99), statuses };
}
