import { buildApp } from './app.ts';
import { bootstrapIfEmpty } from './auth/bootstrap.ts';
import { loadConfig, type Config } from './platform/config.ts';
import { openEngine, type Engine } from './platform/db.ts';
import { createLogger } from './platform/log.ts';
import { migrate } from './platform/migrate.ts';
import { readServerSettings, serverAdvice } from './platform/server-advice.ts';
import { startWorker } from './worker.ts';
import { startSensorSubscriber } from './events/mqtt.ts';

/** The composition root: config → database → migrations → first-run bootstrap → HTTP + jobs. */
export async function start(config: Config = loadConfig()): Promise<{ close(): Promise<void>; url: string; engine: Engine }> {
  const log = createLogger(config.LOG_LEVEL);
  const engine = await openEngine({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const applied = await migrate(engine);
  if (applied.length) log.info({ applied }, 'migrations applied');
  if (engine.kind === 'postgres') {
    try {
      for (const a of serverAdvice(await readServerSettings(engine.db))) log.warn({ setting: a.setting }, `PostgreSQL: ${a.message}`);
    } catch (err) {
      log.debug({ err }, 'could not read the PostgreSQL settings');
    }
  }

  const boot = await bootstrapIfEmpty(engine.db, config);
  if (boot) {
    // Printed once, on the first start only: the generated secrets are not stored in clear anywhere.
    process.stdout.write(
      [
        '',
        '  Rapport created your workspace.',
        `  Admin login:  ${boot.adminEmail}`,
        `  Password:     ${boot.adminPassword}${config.RAPPORT_ADMIN_PASSWORD ? ' (from RAPPORT_ADMIN_PASSWORD)' : ' (one-time: change it at first sign-in)'}`,
        `  API key:      ${boot.apiKey}`,
        '  Keep these now; they will not be shown again.',
        '',
      ].join('\n') + '\n',
    );
  }

  const app = await buildApp({ engine, logger: log, bodyLimit: config.BODY_LIMIT_BYTES });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const worker = startWorker({ engine, log });
  const sensors = config.MQTT_URL ? startSensorSubscriber(engine, { url: config.MQTT_URL, log }) : null;
  log.info({ address, engine: engine.kind }, 'Rapport is running');
  return {
    url: address,
    engine,
    async close() {
      await worker.stop();
      await sensors?.close();
      await app.close();
      await engine.close();
    },
  };
}
