import type { DailyHistory, Segment } from './types.ts';

// Pure figures behind the health and history views (unit-tested in test/web/segments-rules.test.ts).

/** The scheduler rebuilds every 5 minutes; twice that without a build means builds are not running. */
export const STALE_AFTER_SECONDS = 600;

export type HealthState = 'static' | 'never_built' | 'fresh' | 'stale';

export function healthState(s: Pick<Segment, 'kind' | 'health'>): HealthState {
  if (s.kind === 'static') return 'static';
  if (!s.health.lastBuiltAt || s.health.lagSeconds === null) return 'never_built';
  return s.health.lagSeconds > STALE_AFTER_SECONDS ? 'stale' : 'fresh';
}

/** A lag in the largest unit that keeps it readable, for Intl.RelativeTimeFormat. */
export function lagParts(seconds: number): { value: number; unit: 'second' | 'minute' | 'hour' | 'day' } {
  if (seconds < 60) return { value: seconds, unit: 'second' };
  if (seconds < 3600) return { value: Math.floor(seconds / 60), unit: 'minute' };
  if (seconds < 86_400) return { value: Math.floor(seconds / 3600), unit: 'hour' };
  return { value: Math.floor(seconds / 86_400), unit: 'day' };
}

/**
 * The size at the end of each day, worked back from the size now: each day ended with the next
 * day's end minus the next day's net change. Clamped at zero should history rows ever be missing.
 */
export function sizeByDay(h: DailyHistory): number[] {
  const out = new Array<number>(h.days.length);
  let size = h.size;
  for (let i = h.days.length - 1; i >= 0; i--) {
    out[i] = Math.max(0, size);
    size -= h.days[i].entered - h.days[i].exited;
  }
  return out;
}

/**
 * A dynamic segment whose rule is newer than its last build (or that was never built): the
 * worker rebuilds it within about a second, so its figures and members on screen are about to
 * change.
 */
export function awaitingBuild(s: Pick<Segment, 'kind' | 'updatedAt' | 'health'>): boolean {
  if (s.kind !== 'dynamic') return false;
  if (!s.health.lastBuiltAt) return true;
  return Date.parse(s.health.lastBuiltAt) < Date.parse(s.updatedAt);
}

/** How often the detail page asks for the segment again: soon while a build is due, else now and then. */
export const AWAITING_BUILD_POLL_MS = 1500;
export const BUILT_POLL_MS = 30_000;
export function detailRefetchMs(s: Pick<Segment, 'kind' | 'updatedAt' | 'health'> | undefined): number | false {
  if (!s || s.kind !== 'dynamic') return false;
  return awaitingBuild(s) ? AWAITING_BUILD_POLL_MS : BUILT_POLL_MS;
}
