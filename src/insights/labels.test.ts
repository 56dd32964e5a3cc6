import assert from 'node:assert/strict';
import { it } from 'node:test';
import { clusterLabelParts, englishLabel, HABITS, NEW_KINDS, partsFromEnglish, uniqueLabels, type ClusterLabelParts } from './labels.ts';

// Group names travel as parts (for the web app to word in the reader's language) and as English.

const z = (recency: number, frequency: number, monetary: number, tenure: number) => ({ recency, frequency, monetary, tenure });

it('names a group by parts, worded the same in English as before', () => {
  const lapsedBig = clusterLabelParts({ z: z(1, 1, 1, 0), avgOrders: 8 });
  assert.deepEqual(lapsedBig, { kind: 'habit', habit: 'frequentBigSpenders', status: 'lapsed', lowValue: false, ordinal: 1 });
  assert.equal(englishLabel(lapsedBig), 'Lapsed frequent big spenders');
  const lowValue = clusterLabelParts({ z: z(0, 0, -1, 0), avgOrders: 3 });
  assert.equal(englishLabel(lowValue), 'Low-value occasional buyers');
  const fresh = clusterLabelParts({ z: z(-1, 0, 0, -1), avgOrders: 1 });
  assert.deepEqual(fresh, { kind: 'new', who: 'customers', ordinal: 1 });
  assert.equal(englishLabel(fresh), 'New customers');
});

it('numbers the later of two groups with the same words', () => {
  const same = clusterLabelParts({ z: z(1, 0, 0, 0), avgOrders: 1 });
  const other = clusterLabelParts({ z: z(-1, 1, 0, 0), avgOrders: 5 });
  const named = uniqueLabels([same, other, same]);
  assert.deepEqual(named.map((p) => p.ordinal), [1, 1, 2]);
  assert.deepEqual(named.map(englishLabel), ['Lapsed one-timers', 'Active frequent buyers', 'Lapsed one-timers (2)']);
});

it('reads the parts back from the English name of a group stored before parts were kept', () => {
  const all: ClusterLabelParts[] = [
    ...NEW_KINDS.map((who) => ({ kind: 'new' as const, who, ordinal: 1 })),
    ...HABITS.flatMap((habit) => (['lapsed', 'active', null] as const).map((status) => ({ kind: 'habit' as const, habit, status, lowValue: false, ordinal: 3 }))),
    { kind: 'habit', habit: 'frequentBuyers', status: 'lapsed', lowValue: true, ordinal: 1 },
  ];
  for (const p of all) assert.deepEqual(partsFromEnglish(englishLabel(p)), p, englishLabel(p));
  assert.equal(partsFromEnglish('Something a newer server says'), null);
  assert.equal(partsFromEnglish(''), null);
});
