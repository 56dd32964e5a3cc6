import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { HABITS, NEW_KINDS, STATUSES, englishLabel, type ClusterLabelParts } from '../../src/insights/labels.ts';

// What the insights screens say about a slowing customer and a customer group, worded in the
// reader's language from the figures and parts the server sends (web/src/insights/wording.ts).
// i18n/index.ts touches <html> and localStorage, so both are stubbed before it is imported.

type Wording = typeof import('../../web/src/insights/wording.ts');
type I18n = typeof import('../../web/src/i18n/index.ts');
let w: Wording;
let i18n: I18n;
const t = (key: string, options?: Record<string, unknown>) => i18n.default.t(key, options) as string;
const LATIN_OR_ASCII_DIGIT = /[A-Za-z0-9]/;

before(async () => {
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    document: { documentElement: { lang: '', dir: '' } },
    localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) },
  });
  i18n = await import('../../web/src/i18n/index.ts');
  w = await import('../../web/src/insights/wording.ts');
  i18n.setLanguage('en');
});
after(() => i18n.setLanguage('en'));

const overdue = { byGap: true, byValue: false, daysSinceLastOrder: 100, medianGapDays: 30, factor: 1.5, ratio: 0.7 };
const shrinking = { byGap: false, byValue: true, daysSinceLastOrder: 2, medianGapDays: 10, factor: 1.5, ratio: 0.7, recentAvgMinor: 3000, earlierAvgMinor: 10000, recentOrders: 3, earlierOrders: 5, recentPercent: 30 };

it('words a slowing reason from its figures, in English as the server does', () => {
  assert.equal(w.slowingReason(t, overdue), 'No order for 100 days, more than 1.5× the usual gap of 30 days');
  assert.equal(w.slowingReason(t, { ...overdue, medianGapDays: 12.345 }), 'No order for 100 days, more than 1.5× the usual gap of 12.3 days');
  assert.equal(w.slowingReason(t, shrinking), 'Last 3 orders average 30% of the 5 orders before them');
  assert.equal(
    w.slowingReason(t, { ...shrinking, byGap: true, daysSinceLastOrder: 100, medianGapDays: 30 }),
    'No order for 100 days, more than 1.5× the usual gap of 30 days; Last 3 orders average 30% of the 5 orders before them',
  );
});

it('words a flag stored before the counts were kept, and one with no figures at all', () => {
  const old = { byGap: false, byValue: true, recentAvgMinor: 3000, earlierAvgMinor: 10000, factor: 1.5, ratio: 0.7 };
  assert.equal(w.slowingReason(t, old), 'Last 3 orders average 30% of the orders before them');
  assert.equal(w.slowingReason(t, {}), 'Ordering less often, or smaller orders, than before');
  assert.equal(w.slowingReason(t, null), 'Ordering less often, or smaller orders, than before');
  assert.equal(w.slowingReason(t, { byGap: true }), 'Ordering less often, or smaller orders, than before', 'never a sentence with holes');
});

it('words a slowing reason in Persian with Persian digits and percent sign', () => {
  i18n.setLanguage('fa');
  try {
    const gap = w.slowingReason(t, overdue);
    assert.ok(gap.includes('۱۰۰') && gap.includes('۱٫۵') && gap.includes('۳۰'), gap);
    const value = w.slowingReason(t, shrinking);
    assert.ok(value.includes('۳۰٪') && value.includes('۵'), value);
    for (const d of [overdue, shrinking, { ...shrinking, byGap: true, daysSinceLastOrder: 100 }, { byValue: true, recentAvgMinor: 1, earlierAvgMinor: 2 }, {}])
      assert.doesNotMatch(w.slowingReason(t, d), LATIN_OR_ASCII_DIGIT, JSON.stringify(d));
  } finally {
    i18n.setLanguage('en');
  }
});

/** Every name src/insights/labels.ts can give. */
const ALL_PARTS: ClusterLabelParts[] = [
  ...NEW_KINDS.map((who) => ({ kind: 'new' as const, who, ordinal: 1 })),
  ...HABITS.flatMap((habit) => [null, ...STATUSES].flatMap((status) => [false, true].map((lowValue) => ({ kind: 'habit' as const, habit, status, lowValue, ordinal: 1 })))),
];

it('names every group the server can form as the server does in English, numbered when repeated', () => {
  for (const p of ALL_PARTS) assert.equal(w.clusterName(t, p, 'fallback'), englishLabel(p));
  const second: ClusterLabelParts = { kind: 'habit', habit: 'frequentBuyers', status: 'lapsed', lowValue: true, ordinal: 2 };
  assert.equal(w.clusterName(t, second, 'x'), 'Lapsed low-value frequent buyers (2)');
});

it('names every group in Persian, and falls back to the server’s words for parts it does not know', () => {
  i18n.setLanguage('fa');
  try {
    for (const p of ALL_PARTS) {
      const name = w.clusterName(t, p, 'fallback');
      assert.doesNotMatch(name, LATIN_OR_ASCII_DIGIT, `${englishLabel(p)} → ${name}`);
    }
    assert.equal(w.clusterName(t, { kind: 'new', who: 'customers', ordinal: 3 }, 'x'), 'مشتریان تازه (۳)');
  } finally {
    i18n.setLanguage('en');
  }
  assert.equal(w.clusterName(t, null, 'Old words'), 'Old words');
  assert.equal(w.clusterName(t, { kind: 'habit', habit: 'somethingNew', status: null, lowValue: false, ordinal: 1 }, 'Something new'), 'Something new');
  assert.equal(w.clusterName(t, { kind: 'habit', habit: 'oneTimers', status: 'sleepy', lowValue: false, ordinal: 1 }, 'Sleepy one-timers'), 'Sleepy one-timers');
});
