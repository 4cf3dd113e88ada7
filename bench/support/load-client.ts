/**
 * The load generator as its own process, so its CPU does not compete with the service's event loop:
 * `tsx bench/support/load-client.ts <plan.json>` sends the plan's requests over keep-alive
 * connections, `concurrency` at a time, and prints a LoadResult as JSON.
 */
import fs from 'node:fs';
import http from 'node:http';
import { runLoad, type LoadPlan } from './load';

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as LoadPlan;
  const target = new URL(plan.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const send = (i: number) =>
    new Promise<number>((resolve, reject) => {
      const r = plan.requests[i]!;
      const req = http.request(
        { host: target.hostname, port: target.port, path: r.path, method: 'POST', agent, headers: { ...r.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
  const result = await runLoad(plan.requests.length, plan.concurrency, send);
  agent.destroy();
  process.stdout.write(JSON.stringify(result));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
