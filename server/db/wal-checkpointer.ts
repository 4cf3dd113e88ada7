import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a SQLite WAL from a worker thread. SQLite's own automatic checkpoint runs inside the
 * commit that crosses the threshold and waits on fsync: with better-sqlite3 that is the service's
 * event loop, stalled for milliseconds (tens on a busy disk) while every request waits. A PASSIVE
 * checkpoint on a second connection copies the WAL into the database beside the writer, without
 * blocking it, so commits only append to the WAL.
 *
 * The writer keeps SQLite's automatic checkpoint at FALLBACK_AUTOCHECKPOINT_PAGES (far above what
 * the worker lets accumulate), so the WAL stays bounded even if the worker falls behind.
 */
export const CHECKPOINT_EVERY_MS = 250;
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  // SQLITE_BUSY (the writer's fallback checkpoint is running) is retried on the next tick.
  try { checkpoint.run(); } catch {}
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

export function startWalCheckpointer(file: string, everyMs = CHECKPOINT_EVERY_MS): WalCheckpointer {
  const worker = new Worker(WORKER, { eval: true, workerData: { file, everyMs, driver: require.resolve('better-sqlite3') } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // Should the worker fail, the writer's fallback checkpoint keeps the WAL bounded.
  worker.on('error', () => undefined);
  worker.unref();
  return {
    stop: async () => {
      // Unref'd, the worker would not keep the process alive until it exits: a command that closes
      // the database and then sets its exit code would end early, with code 0.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
