import { parseArgs } from 'node:util';
import { loadConfig } from './platform/config.ts';
import { openEngine } from './platform/db.ts';
import { migrate } from './platform/migrate.ts';
import { createLogger } from './platform/log.ts';
import { preferSmallHeap } from './platform/heap.ts';
import { authCommands } from './auth/cli.ts';
import { importsCommands } from './imports/cli.ts';
import { demoCommands } from './demo/cli.ts';

export interface CliCommand {
  usage: string;
  /** Long bulk work with a small live heap: run with a heap kept near its live size (see heap.ts). */
  bulk?: boolean;
  run(args: string[]): Promise<void>;
}

const core: Record<string, CliCommand> = {
  start: {
    usage: 'start                      start the web app, API and job worker',
    async run() {
      const { start } = await import('./main.ts');
      const app = await start();
      const stop = async () => {
        await app.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  },
  worker: {
    usage: 'worker                     run background jobs only (scale out with more of these)',
    async run() {
      const config = loadConfig();
      const log = createLogger(config.LOG_LEVEL);
      const engine = await openEngine({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
      await migrate(engine);
      const { startWorker } = await import('./worker.ts');
      const w = startWorker({ engine, log });
      log.info({ engine: engine.kind }, 'worker running');
      const stop = async () => {
        await w.stop();
        await engine.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  },
  migrate: {
    usage: 'migrate                    apply pending database migrations',
    async run() {
      const config = loadConfig();
      const engine = await openEngine({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
      const applied = await migrate(engine);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      await engine.close();
    },
  },
};

const commands: Record<string, CliCommand> = { ...core, ...authCommands, ...importsCommands, ...demoCommands };

function usage(): string {
  return ['Usage: rapport <command>', '', ...Object.values(commands).map((c) => '  ' + c.usage)].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`Unknown command: ${name}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  if (cmd.bulk) preferSmallHeap();
  try {
    await cmd.run(rest);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}

export { parseArgs };
await main(process.argv.slice(2));
