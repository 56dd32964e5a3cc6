import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { CliCommand } from '../cli.ts';
import { loadConfig } from '../platform/config.ts';
import { openEngine } from '../platform/db.ts';
import { migrate } from '../platform/migrate.ts';
import { generateDemo, MAX_DEMO_CUSTOMERS } from './service.ts';

const USAGE = 'demo --customers N [--seed S] [--workspace ID]   fill an empty workspace with demo customers and two years of orders';

function parse(args: string[]): { customers: number; seed: number; workspace?: string } {
  const { values } = parseArgs({
    args,
    options: { customers: { type: 'string' }, seed: { type: 'string' }, workspace: { type: 'string' } },
    strict: true,
  });
  const customers = Number(values.customers);
  if (!values.customers || !Number.isInteger(customers) || customers < 1 || customers > MAX_DEMO_CUSTOMERS) {
    throw new Error(`--customers must be a whole number from 1 to ${MAX_DEMO_CUSTOMERS}\nUsage: rapport ${USAGE}`);
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  return { customers, seed, workspace: values.workspace };
}

export const demoCommands: Record<string, CliCommand> = {
  demo: {
    bulk: true,
    usage: USAGE,
    async run(args) {
      const opts = parse(args);
      const config = loadConfig();
      const engine = await openEngine({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
      try {
        await migrate(engine);
        let workspaceId = opts.workspace;
        if (!workspaceId) {
          const all = await engine.db.selectFrom('workspaces').select(['id', 'name']).limit(2).execute();
          if (all.length !== 1) {
            throw new Error(all.length === 0 ? 'No workspace yet: run `rapport start` once first.' : 'Several workspaces exist: choose one with --workspace ID.');
          }
          workspaceId = all[0]!.id;
        }
        const bar = new cliProgress.SingleBar(
          { format: 'Demo data |{bar}| {value}/{total} customers | {rate}/s | ETA {eta_formatted} | {stage}', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        const started = Date.now();
        bar.start(opts.customers, 0, { stage: 'customers', rate: 0 });
        const summary = await generateDemo(engine, {
          workspaceId,
          customers: opts.customers,
          seed: opts.seed,
          onProgress: (p) => {
            const secs = (Date.now() - started) / 1000;
            if (p.stage === 'customers') bar.update(p.done, { stage: 'customers', rate: Math.round(p.done / Math.max(secs, 0.001)) });
            else bar.update({ stage: p.stage === 'analyze' ? 'updating statistics' : 'computing order figures' });
          },
        }).finally(() => bar.stop());
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`Created ${summary.customers} customers (${summary.companies} companies), ${summary.products} products, ` +
          `${summary.orders} orders, ${summary.payments} payments, ${summary.interactions} timeline entries in ${secs} s (${engine.kind}).`);
      } finally {
        await engine.close();
      }
    },
  },
};
