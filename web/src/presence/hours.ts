import type { HourCount } from './types.ts';

// The sightings chart's data: one bar per hour over a window, hours without a report shown as
// zero (the API only returns hours that had sightings).

const HOUR = 3_600_000;

export function startOfHour(d: Date): Date {
  return new Date(Math.floor(d.getTime() / HOUR) * HOUR);
}

/** The window [from, to) of the last `hours` whole hours, the current hour included. */
export function hourWindow(now: Date, hours: number): { from: Date; to: Date } {
  const to = new Date(startOfHour(now).getTime() + HOUR);
  return { from: new Date(to.getTime() - hours * HOUR), to };
}

export function fillHours(items: HourCount[], from: Date, to: Date): HourCount[] {
  const byHour = new Map(items.map((i) => [startOfHour(new Date(i.hour)).getTime(), i]));
  const out: HourCount[] = [];
  for (let t = startOfHour(from).getTime(); t < to.getTime(); t += HOUR) {
    const hit = byHour.get(t);
    out.push({ hour: new Date(t).toISOString(), knownSightings: hit?.knownSightings ?? 0, unknownSightings: hit?.unknownSightings ?? 0 });
  }
  return out;
}

export function totals(items: HourCount[]): { known: number; unknown: number } {
  return items.reduce((s, i) => ({ known: s.known + i.knownSightings, unknown: s.unknown + i.unknownSightings }), { known: 0, unknown: 0 });
}

/** Where a sensor sends its sightings: the MQTT topic and the HTTP address. */
export function sensorEndpoints(origin: string, workspaceId: string, sensorId: string): { topic: string; url: string } {
  return { topic: `rapport/${workspaceId}/sensors/${sensorId}/sightings`, url: `${origin}/api/v1/sensors/${sensorId}/sightings` };
}
