/**
 * The load generator as its own process: `tsx bench/support/load-client.ts <plan.json>` sends the
 * plan's requests with autocannon (raw sockets and a lean HTTP writer: a fraction of the CPU per
 * request of Node's http client, which on a small machine takes that CPU from the server under
 * measurement), `concurrency` keep-alive connections, each request once, and prints a LoadResult.
 */
import fs from 'node:fs';
import autocannon from 'autocannon';
import type { LoadPlan, LoadResult } from './load';

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as LoadPlan;
  let next = 0;
  const statuses: Record<string, number> = {};
  let lastAnswer = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url: plan.url,
        connections: plan.concurrency,
        amount: plan.requests.length,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            // Connections take the plan's requests in turn, so each is sent once.
            setupRequest: (request) => {
              const r = plan.requests[next++ % plan.requests.length]!;
              return { ...request, path: r.path, body: r.body, headers: { ...r.headers, 'content-type': 'application/json' } };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    // autocannon's own duration is rounded to its one-second ticks: the run is timed here.
    run.on('response', (_client, status: number) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      lastAnswer = performance.now();
    });
  });
  if (result.errors) statuses.errors = result.errors;
  if (result.timeouts) statuses.timeouts = result.timeouts;
  const answered = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  const seconds = (lastAnswer - started) / 1000;
  const out: LoadResult = { requests: answered, seconds, throughput: answered / seconds, p50: result.latency.p50, p99: result.latency.p99, statuses };
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
