/**
 * The load generator as its own process: `tsx bench/support/load-client.ts <plan.json>` sends the
 * plan's requests with autocannon (raw sockets and a lean HTTP writer: a fraction of the CPU per
 * request of Node's http client, which on a small machine takes that CPU from the server under
 * measurement), `concurrency` keep-alive connections, each request once, and prints a LoadResult.
 */
import fs from 'node:fs';
import autocannon from 'autocannon';
import type { LoadPlan, LoadResult } from './load';

/**
 * Sends the warm-up and then the plan's requests, each once, over the same `concurrency`
 * connections; only the plan's answers are measured. So the measured run starts on open connections
 * with the client's code already compiled.
 */
async function send(plan: LoadPlan): Promise<LoadResult> {
  const sequence = [...(plan.warmUp ?? []), ...plan.requests];
  const skip = sequence.length - plan.requests.length;
  let next = 0;
  let answers = 0;
  let measuredFrom = performance.now();
  let lastAnswer = 0;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url: plan.url,
        connections: plan.concurrency,
        amount: sequence.length,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            // Connections take the requests in turn, so each is sent once.
            setupRequest: (request) => {
              const r = sequence[next++ % sequence.length]!;
              return { ...request, path: r.path, body: r.body, headers: { ...r.headers, 'content-type': 'application/json' } };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    run.on('response', (_client, status: number, _bytes: number, ms: number) => {
      if (++answers === skip) measuredFrom = performance.now();
      if (answers <= skip) return;
      statuses[status] = (statuses[status] ?? 0) + 1;
      latencies.push(ms);
      lastAnswer = performance.now();
    });
  });
  if (result.errors) statuses.errors = result.errors;
  if (result.timeouts) statuses.timeouts = result.timeouts;
  latencies.sort((x, y) => x - y);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const seconds = (lastAnswer - measuredFrom) / 1000;
  return { requests: latencies.length, seconds, throughput: latencies.length / seconds, p50: pct(50), p99: pct(99), statuses };
}

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as LoadPlan;
  process.stdout.write(JSON.stringify(await send(plan)));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
