import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface ServiceProcess {
  child: ChildProcess;
  /** kill -9: no handler runs, no transaction finishes, no connection is closed politely. */
  kill(): Promise<void>;
}

/** What the service logs once it accepts requests (server/main.ts). */
const LISTENING = 'referral service listening';

/**
 * `npm start` as its own process (server/main.ts through tsx) with this environment. Resolves once the
 * service says it is listening, read from its log: no polling, no fixed wait.
 */
export function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  // tsx as a loader, not its CLI: the CLI runs the service in a child process of its own, which a
  // kill -9 of the CLI would leave running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.includes(LISTENING)) {
        resolve({
          child,
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`the service exited before listening (${code ?? signal}): ${stderr.join('')}`)));
  });
}
