import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../test/support/net';

export { freePort };

export interface SandboxProcess {
  url: string;
  child: ChildProcess;
  stop(): void;
}

/**
 * The sandbox portal in its own process, as HubSpot is a remote system: its CPU does not compete
 * with the code under measurement, and the measured process's memory is its own.
 */
export async function startSandboxProcess(env: Record<string, string>, script = 'sandbox/main.ts'): Promise<SandboxProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), script], {
    env: { ...process.env, SANDBOX_PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/sandbox`)).ok) return { url, child, stop: () => child.kill() };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('The sandbox did not start within 30 s');
}
