import { start } from '../src/main.ts';
import { loadConfig } from '../src/platform/config.ts';

// The server side of bench/ingest.ts: Rapport exactly as `rapport start` runs it (HTTP, job
// worker, segment refresh loop), in its own process so the load generator does not share its
// event loop. Prints its URL on a line of its own (log lines may come before it); stops on SIGTERM.
const app = await start(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }));
process.stdout.write(`${app.url}\n`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
