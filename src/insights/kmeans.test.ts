import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kmeans, rng, silhouette, suggestK, type Points } from './kmeans.ts';

// Three tight blobs far apart in 4 dimensions: any correct k-means must find them exactly.
function blobs(perBlob: number, seed = 7): { points: Points; truth: Int32Array } {
  const centres = [
    [0, 0, 0, 0],
    [10, 10, 0, 0],
    [0, 10, 10, 10],
  ];
  const random = rng(seed);
  const n = perBlob * centres.length;
  const data = new Float64Array(n * 4);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = i % centres.length;
    truth[i] = b;
    for (let j = 0; j < 4; j++) data[i * 4 + j] = centres[b][j] + (random() - 0.5);
  }
  return { points: { data, n, d: 4 }, truth };
}

describe('k-means', () => {
  it('recovers three clearly separated groups exactly', () => {
    const { points, truth } = blobs(100);
    const r = kmeans(points, { k: 3, seed: 1 });
    // Same truth blob ⇔ same cluster, for every pair (cluster numbering is arbitrary).
    const map = new Map<number, number>();
    for (let i = 0; i < points.n; i++) {
      const seen = map.get(truth[i]);
      if (seen === undefined) map.set(truth[i], r.assignment[i]);
      else assert.equal(r.assignment[i], seen, `point ${i} left its group`);
    }
    assert.equal(new Set(map.values()).size, 3);
    assert.deepEqual([...r.sizes].sort(), [100, 100, 100]);
  });

  it('gives the same groups for the same seed', () => {
    const { points } = blobs(200);
    const a = kmeans(points, { k: 4, seed: 99 });
    const b = kmeans(points, { k: 4, seed: 99 });
    assert.deepEqual(a.assignment, b.assignment);
    assert.deepEqual(a.centroids, b.centroids);
  });

  it('suggests k = 3 for three groups, by silhouette', () => {
    const { points } = blobs(150);
    const s = suggestK(points, { from: 2, to: 6 });
    assert.equal(s.suggested, 3);
    assert.equal(s.scores.length, 5);
    const k3 = s.scores.find((x) => x.k === 3)!;
    assert.ok(k3.silhouette > 0.9, `silhouette ${k3.silhouette}`);
  });

  it('copes with fewer points than groups and with identical points', () => {
    const two: Points = { data: Float64Array.from([1, 1, 1, 1, 2, 2, 2, 2]), n: 2, d: 4 };
    const r = kmeans(two, { k: 5 });
    assert.equal(r.k, 2);
    assert.equal(r.assignment.length, 2);
    const same: Points = { data: new Float64Array(40).fill(3), n: 10, d: 4 };
    const s = kmeans(same, { k: 3 });
    assert.equal([...s.sizes].reduce((a, b) => a + b, 0), 10);
    assert.equal(s.inertia, 0);
    assert.equal(silhouette(same, s.assignment, 3), 0);
  });
});
