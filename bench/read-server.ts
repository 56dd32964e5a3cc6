import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/app.ts';
import { openPostgres } from './read-db.ts';

// The server side of bench/read-api.ts: the HTTP API over a pool of 20 connections to the bench
// database (READ_PARALLEL=1 lets PostgreSQL use 2 parallel workers per query, for the comparison
// run). Prints its URL on a line of its own; stops on SIGTERM.
const engine = openPostgres(20, process.env.READ_PARALLEL === '1');
const app = await buildApp({ engine, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}\n`);
const stop = async () => {
  await app.close();
  await engine.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
