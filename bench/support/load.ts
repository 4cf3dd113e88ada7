import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LoadPlan {
  url: string;
  concurrency: number;
  requests: Array<{ path: string; headers: Record<string, string>; body: string }>;
  /** Sent first over the same connections and not measured: requests whose answers change nothing (retries). */
  warmUp?: LoadPlan['requests'];
}

/** What a closed-loop run measured: `concurrency` connections each send their next request when the last answered. */
export interface LoadResult {
  requests: number;
  seconds: number;
  throughput: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  /** Answers by status code, plus `errors` and `timeouts` of the connections. */
  statuses: Record<string, number>;
}

/**
 * Sends a plan's requests from a separate process (load-client.ts), so the load generator's CPU is
 * not the service's event loop. Each request of the plan is sent once; the latencies and the
 * throughput are those of the plan's requests, on connections the warm-up has opened.
 */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'load-'));
  const file = path.join(dir, 'plan.json');
  fs.writeFileSync(file, JSON.stringify(plan));
  try {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, 'load-client.ts'), file], { maxBuffer: 1 << 24 }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    return JSON.parse(stdout) as LoadResult;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
