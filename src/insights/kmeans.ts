// k-means over a flat row-major Float64Array (n points × d features). Typed arrays only: at
// 1,000,000 customers per-point objects would cost more in allocation and GC than the maths.

export interface Points {
  data: Float64Array;
  n: number;
  d: number;
}

export interface KMeansOptions {
  k: number;
  /** Same seed + same data ⇒ same clusters (the PRNG is ours, not Math.random). */
  seed?: number;
  maxIterations?: number;
  /** Stop when fewer than this share of points changed cluster in an iteration. */
  tolerance?: number;
  /** k-means++ seeding runs on at most this many points; seeding is O(n·k) per centre otherwise. */
  initSample?: number;
}

export interface KMeansResult {
  k: number;
  centroids: Float64Array; // k × d
  assignment: Int32Array; // n
  sizes: Int32Array; // k
  inertia: number;
  iterations: number;
}

/** mulberry32: tiny, fast, good enough for seeding and sampling. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Up to m distinct point indexes, in ascending order (partial Fisher–Yates). */
export function sampleIndexes(n: number, m: number, random: () => number): Int32Array {
  if (m >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, m).sort();
}

export function subset(p: Points, idx: Int32Array): Points {
  const out = new Float64Array(idx.length * p.d);
  for (let i = 0; i < idx.length; i++) out.set(p.data.subarray(idx[i] * p.d, idx[i] * p.d + p.d), i * p.d);
  return { data: out, n: idx.length, d: p.d };
}

function dist2(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const x = a[ai + j] - b[bi + j];
    s += x * x;
  }
  return s;
}

/** k-means++: each next centre is drawn with probability proportional to squared distance. */
function seedCentroids(p: Points, k: number, random: () => number): Float64Array {
  const { data, n, d } = p;
  const c = new Float64Array(k * d);
  const first = Math.floor(random() * n);
  c.set(data.subarray(first * d, first * d + d), 0);
  const best = new Float64Array(n).fill(Infinity);
  for (let ci = 1; ci < k; ci++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dd = dist2(data, i * d, c, (ci - 1) * d, d);
      if (dd < best[i]) best[i] = dd;
      total += best[i];
    }
    let pick = n - 1;
    if (total > 0) {
      let target = random() * total;
      for (let i = 0; i < n; i++) {
        target -= best[i];
        if (target <= 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = Math.floor(random() * n); // all points identical: any point will do
    }
    c.set(data.subarray(pick * d, pick * d + d), ci * d);
  }
  return c;
}

/** Assigns every point to its nearest centroid; returns how many changed and the inertia. */
function assign(p: Points, c: Float64Array, k: number, assignment: Int32Array, nearestD: Float64Array): { changed: number; inertia: number } {
  const { data, n, d } = p;
  let changed = 0;
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let bestK = 0;
    let bestD = Infinity;
    for (let ci = 0; ci < k; ci++) {
      const dd = dist2(data, off, c, ci * d, d);
      if (dd < bestD) {
        bestD = dd;
        bestK = ci;
      }
    }
    if (assignment[i] !== bestK) {
      assignment[i] = bestK;
      changed++;
    }
    nearestD[i] = bestD;
    inertia += bestD;
  }
  return { changed, inertia };
}

export function kmeans(p: Points, opts: KMeansOptions): KMeansResult {
  const { n, d, data } = p;
  const k = Math.max(1, Math.min(opts.k, n));
  const random = rng(opts.seed ?? 42);
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 1e-4;
  const initPoints = n > (opts.initSample ?? 20_000) ? subset(p, sampleIndexes(n, opts.initSample ?? 20_000, random)) : p;
  const c = n === 0 ? new Float64Array(k * d) : seedCentroids(initPoints, k, random);
  const assignment = new Int32Array(n).fill(-1);
  const nearestD = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const sizes = new Int32Array(k);
  let inertia = 0;
  let iterations = 0;
  while (n > 0 && iterations < maxIterations) {
    iterations++;
    const r = assign(p, c, k, assignment, nearestD);
    inertia = r.inertia;
    if (iterations > 1 && r.changed <= tolerance * n) break;
    sums.fill(0);
    sizes.fill(0);
    for (let i = 0; i < n; i++) {
      const ci = assignment[i];
      sizes[ci]++;
      for (let j = 0; j < d; j++) sums[ci * d + j] += data[i * d + j];
    }
    for (let ci = 0; ci < k; ci++) {
      if (sizes[ci] === 0) {
        // An empty cluster takes over the point worst served by its centre.
        let far = 0;
        for (let i = 1; i < n; i++) if (nearestD[i] > nearestD[far]) far = i;
        c.set(data.subarray(far * d, far * d + d), ci * d);
        nearestD[far] = 0;
        continue;
      }
      for (let j = 0; j < d; j++) c[ci * d + j] = sums[ci * d + j] / sizes[ci];
    }
  }
  sizes.fill(0);
  for (let i = 0; i < n; i++) sizes[assignment[i]]++;
  return { k, centroids: c, assignment, sizes, inertia, iterations };
}

/** Mean silhouette (−1..1, higher = better separated); O(n²), so give it a sample. */
export function silhouette(p: Points, assignment: Int32Array, k: number): number {
  const { data, n, d } = p;
  if (k < 2 || n < 3) return 0;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[assignment[i]]++;
  const sumTo = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sumTo.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sumTo[assignment[j]] += Math.sqrt(dist2(data, i * d, data, j * d, d));
    const own = assignment[i];
    if (sizes[own] <= 1) continue; // silhouette of a singleton is 0 by convention
    const a = sumTo[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let ci = 0; ci < k; ci++) if (ci !== own && sizes[ci] > 0) b = Math.min(b, sumTo[ci] / sizes[ci]);
    if (!Number.isFinite(b)) continue;
    const m = Math.max(a, b);
    total += m === 0 ? 0 : (b - a) / m;
  }
  return total / n;
}

export interface KScore {
  k: number;
  inertia: number;
  silhouette: number;
}

/** Scores k = from..to on a sample; the suggestion is the k with the best silhouette. */
export function suggestK(p: Points, opts: { from?: number; to?: number; sample?: number; seed?: number } = {}): { suggested: number; scores: KScore[] } {
  const seed = opts.seed ?? 42;
  const s = p.n > (opts.sample ?? 2000) ? subset(p, sampleIndexes(p.n, opts.sample ?? 2000, rng(seed + 1))) : p;
  const scores: KScore[] = [];
  for (let k = opts.from ?? 2; k <= Math.min(opts.to ?? 8, s.n - 1); k++) {
    const r = kmeans(s, { k, seed });
    scores.push({ k, inertia: r.inertia, silhouette: silhouette(s, r.assignment, k) });
  }
  let suggested = 5;
  let best = -Infinity;
  for (const sc of scores) {
    if (sc.silhouette > best + 1e-9) {
      best = sc.silhouette;
      suggested = sc.k;
    }
  }
  return { suggested, scores };
}
