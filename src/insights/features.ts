import { sql } from 'kysely';
import { to as copyTo } from 'pg-copy-streams';
import type pg from 'pg';
import type { Executor } from '../platform/http.ts';
import type { Points } from './kmeans.ts';

// The clustering features of every customer with counted orders, streamed from contact_order_stats
// in keyset batches straight into one Float64Array (no row objects kept past their batch).

export const FEATURES = ['daysSinceLastOrder', 'orders', 'totalMinor', 'tenureDays'] as const;
export const D = FEATURES.length;

export interface FeatureSet {
  ids: string[];
  /** Natural units, row-major n × D. */
  raw: Float64Array;
  n: number;
}

const BATCH = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class Growing {
  ids: string[] = [];
  raw = new Float64Array(BATCH * D);
  n = 0;
  push(id: string, r: number, f: number, m: number, t: number) {
    if ((this.n + 1) * D > this.raw.length) {
      const grown = new Float64Array(this.raw.length * 2);
      grown.set(this.raw);
      this.raw = grown;
    }
    const o = this.n * D;
    this.raw[o] = r;
    this.raw[o + 1] = f;
    this.raw[o + 2] = m;
    this.raw[o + 3] = t;
    this.ids.push(id);
    this.n++;
  }
  done(): FeatureSet {
    return { ids: this.ids, raw: this.raw.subarray(0, this.n * D), n: this.n };
  }
}

const SELECT_COLUMNS = `st.contact_id,
  greatest(extract(epoch from now() - st.last_order_at) / 86400, 0)::float8,
  st.order_count::float8, st.total_minor::float8,
  greatest(extract(epoch from now() - st.first_order_at) / 86400, 0)::float8`;

/**
 * On the server engine the whole set comes as one COPY stream: one hash join and one pass, where
 * keyset batches each re-join the workspace's contacts. COPY takes no parameters, so the
 * workspace id is inlined — only after checking it is a uuid.
 */
export async function loadFeaturesByCopy(pool: pg.Pool, workspaceId: string, onBatch?: (loaded: number) => Promise<void>): Promise<FeatureSet> {
  if (!UUID.test(workspaceId)) throw new Error('workspace id must be a uuid');
  const text = `copy (select ${SELECT_COLUMNS}
    from contact_order_stats st
    join contacts c on c.id = st.contact_id and c.workspace_id = '${workspaceId}'
      and c.merged_into is null and c.deleted_at is null
    where st.workspace_id = '${workspaceId}' and st.order_count > 0 and st.last_order_at is not null) to stdout`;
  const out = new Growing();
  const client = await pool.connect();
  try {
    const stream = client.query(copyTo(text));
    let rest = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const [id, r, f, m, t] = line.split('\t');
        out.push(id, Number(r), Number(f), Number(m), Number(t));
      }
      if (out.n % BATCH < 2000) await onBatch?.(out.n);
    }
    if (rest) {
      const [id, r, f, m, t] = rest.split('\t');
      out.push(id, Number(r), Number(f), Number(m), Number(t));
    }
  } finally {
    client.release();
  }
  return out.done();
}

export async function loadFeatures(db: Executor, workspaceId: string, onBatch?: (loaded: number) => Promise<void>): Promise<FeatureSet> {
  const ids: string[] = [];
  let raw = new Float64Array(BATCH * D);
  let n = 0;
  let after: string | null = null;
  for (;;) {
    const res: { rows: Array<{ id: string; r: number; f: number; m: number; t: number }> } = await sql<{ id: string; r: number; f: number; m: number; t: number }>`
      select st.contact_id as id,
             greatest(extract(epoch from now() - st.last_order_at) / 86400, 0)::float8 as r,
             st.order_count::float8 as f,
             st.total_minor::float8 as m,
             greatest(extract(epoch from now() - st.first_order_at) / 86400, 0)::float8 as t
      from contact_order_stats st
      join contacts c on c.id = st.contact_id and c.workspace_id = ${workspaceId}
        and c.merged_into is null and c.deleted_at is null
      where st.workspace_id = ${workspaceId} and st.order_count > 0 and st.last_order_at is not null
        ${after ? sql`and st.contact_id > ${after}` : sql``}
      order by st.contact_id
      limit ${BATCH}`.execute(db);
    const rows = res.rows;
    if (n + rows.length > raw.length / D) {
      const grown = new Float64Array(Math.max(raw.length * 2, (n + rows.length) * D));
      grown.set(raw.subarray(0, n * D));
      raw = grown;
    }
    for (const row of rows) {
      const o = n * D;
      raw[o] = Number(row.r);
      raw[o + 1] = Number(row.f);
      raw[o + 2] = Number(row.m);
      raw[o + 3] = Number(row.t);
      ids.push(row.id);
      n++;
    }
    await onBatch?.(n);
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].id;
  }
  return { ids, raw: raw.subarray(0, n * D), n };
}

export interface Normalisation {
  mean: number[];
  sd: number[];
}

/**
 * log1p then z-score: order counts and money are heavy-tailed, and without the log one whale
 * would be a cluster of its own while everyone else shares the rest.
 */
export function normalise(raw: Float64Array, n: number): { points: Points; norm: Normalisation } {
  const data = new Float64Array(n * D);
  const mean = new Array<number>(D).fill(0);
  const sd = new Array<number>(D).fill(0);
  for (let i = 0; i < n * D; i++) data[i] = Math.log1p(Math.max(0, raw[i]));
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) mean[j] += data[i * D + j];
  for (let j = 0; j < D; j++) mean[j] = n ? mean[j] / n : 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) sd[j] += (data[i * D + j] - mean[j]) ** 2;
  for (let j = 0; j < D; j++) sd[j] = n > 1 ? Math.sqrt(sd[j] / (n - 1)) : 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < D; j++) data[i * D + j] = sd[j] > 0 ? (data[i * D + j] - mean[j]) / sd[j] : 0;
  return { points: { data, n, d: D }, norm: { mean, sd } };
}
