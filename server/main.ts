import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './web/logger.js';
import { runPrimary, serveUntilSignalled } from './web-processes.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.webConcurrency > 1 && cluster.isPrimary) process.exit(await runPrimary(config, logger));
  // A cluster worker finds the database migrated and seeded by the primary.
  await serveUntilSignalled(config, logger, { databasePrepared: cluster.isWorker });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('undersigned failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
