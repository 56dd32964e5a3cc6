import { randomUUID } from 'node:crypto';
import { zodFields } from '../platform/http.ts';
import { EVENT_TYPES, LIMITS, eventShapes, type SegmentType } from './schema.ts';

// One Segment event in, either a normalised event ready to store or a reason it was refused.
// Batches validate each event on its own, so the reason carries the event's position.

export interface NormalizedEvent {
  messageId: string;
  type: SegmentType;
  /** track: the event name; page/screen: the page name. */
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** track/page/screen: properties; identify/group: traits (+ groupId); alias: previousId. */
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  occurredAt: Date;
  traits: Record<string, unknown>;
  groupId: string | null;
  previousId: string | null;
}

export type Checked = { ok: true; event: NormalizedEvent } | { ok: false; reason: string; fields?: Record<string, string[]> };

/** A client clock more than a day ahead is wrong, not the future: refuse rather than misplace the event. */
const MAX_FUTURE_MS = 24 * 3600 * 1000;

export interface Envelope {
  sentAt?: Date;
  context?: Record<string, unknown>;
  receivedAt: Date;
}

export function checkEvent(raw: unknown, impliedType: SegmentType | null, env: Envelope): Checked {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'An event must be a JSON object' };
  const bytes = Buffer.byteLength(JSON.stringify(raw), 'utf8');
  if (bytes > LIMITS.eventBytes) return { ok: false, reason: `Event larger than ${LIMITS.eventBytes / 1024} KB` };
  const obj = raw as Record<string, unknown>;
  const type = (impliedType ?? obj.type) as SegmentType;
  if (impliedType && obj.type !== undefined && obj.type !== impliedType) {
    return { ok: false, reason: `type must be '${impliedType}' on this endpoint`, fields: { type: [`Expected '${impliedType}'`] } };
  }
  if (!EVENT_TYPES.includes(type)) return { ok: false, reason: `Unknown event type; expected one of ${EVENT_TYPES.join(', ')}`, fields: { type: ['Unknown event type'] } };
  const parsed = eventShapes[type].safeParse({ ...obj, type });
  if (!parsed.success) {
    const fields = zodFields(parsed.error);
    const first = Object.entries(fields)[0]!;
    return { ok: false, reason: `${first[0]}: ${first[1][0]}`, fields };
  }
  const e = parsed.data as Record<string, any>;
  if (!e.userId && !e.anonymousId) {
    return { ok: false, reason: 'Either userId or anonymousId is required', fields: { userId: ['userId or anonymousId is required'] } };
  }

  // Segment's clock-skew correction: a client that sent originalTimestamp/sentAt but no timestamp
  // had its clock off by (sentAt - receivedAt); shift the event by the same amount.
  const sentAt: Date | undefined = e.sentAt ?? env.sentAt;
  let occurredAt: Date = e.timestamp ?? (e.originalTimestamp && sentAt ? new Date(env.receivedAt.getTime() - (sentAt.getTime() - e.originalTimestamp.getTime())) : (e.originalTimestamp ?? env.receivedAt));
  if (occurredAt.getTime() > env.receivedAt.getTime() + MAX_FUTURE_MS) {
    return { ok: false, reason: 'timestamp: more than a day in the future', fields: { timestamp: ['More than a day in the future'] } };
  }
  if (occurredAt.getFullYear() < 2000) occurredAt = env.receivedAt;

  const traits: Record<string, unknown> = e.traits ?? {};
  const context: Record<string, unknown> = { ...(env.context ?? {}), ...(e.context ?? {}) };
  let properties: Record<string, unknown>;
  let name: string | null = null;
  switch (type) {
    case 'track':
      name = e.event;
      properties = e.properties ?? {};
      break;
    case 'page':
    case 'screen':
      name = e.name || null;
      properties = { ...(e.properties ?? {}), ...(e.category ? { category: e.category } : {}) };
      break;
    case 'identify':
      properties = { traits };
      break;
    case 'group':
      properties = { groupId: e.groupId, traits };
      break;
    case 'alias':
      properties = { previousId: e.previousId };
      break;
  }
  return {
    ok: true,
    event: {
      // Segment libraries always send one; a hand-made call without it cannot be deduplicated.
      messageId: e.messageId ?? `rapport-${randomUUID()}`,
      type,
      event: name,
      userId: e.userId ?? null,
      anonymousId: e.anonymousId ?? null,
      properties,
      context,
      occurredAt,
      traits,
      groupId: e.groupId ?? null,
      previousId: e.previousId ?? null,
    },
  };
}
