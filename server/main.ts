import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startService } from './service';

/** `npm start`: configuration, database, HubSpot (or the sandbox), HTTP; clean stop on SIGTERM/SIGINT. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const service = await startService({ config, logger });
  logger.info({ port: config.port, publicBaseUrl: config.publicBaseUrl }, 'referral service listening');

  let stopping = false;
  const stop = async (signal: string) => {
    // A second signal means "now": the operator has stopped waiting for the drain.
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, drainMs: config.shutdownDrainMs }, 'stopping: no new connections, finishing requests in flight');
    await service.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
