import { z } from 'zod';
import { shortText } from '../contacts/schema.ts';

// Shapes of the Segment tracking spec as Rapport accepts it, and of the admin endpoints for
// event sources. Segment events are loose objects (libraries add _metadata, integrations,
// channel…): unknown fields are ignored, never an error, or real clients would break.

export const LIMITS = {
  /** Segment's own limits: 32 KB per event, 500 KB per batch request. */
  eventBytes: 32 * 1024,
  batchBytes: 500 * 1024,
  /** Segment caps only bytes; a count cap keeps one request's transaction bounded. */
  batchEvents: 1000,
  idText: 200,
  name: 200,
} as const;

export const EVENT_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentType = (typeof EVENT_TYPES)[number];

const idText = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().min(1, 'Empty id').max(LIMITS.idText, `At most ${LIMITS.idText} characters`).refine((s) => !/[\u0000-\u001f]/.test(s), 'No control characters'));

const timestamp = z
  .union([z.string().max(64), z.number()])
  .refine((v) => !Number.isNaN(new Date(v).getTime()), 'Expected an ISO 8601 date-time')
  .transform((v) => new Date(v));

const object = z.record(z.string(), z.unknown());

const base = {
  messageId: z.string().trim().min(1, 'Empty messageId').max(100, 'At most 100 characters').optional(),
  userId: idText.nullable().optional(),
  anonymousId: idText.nullable().optional(),
  timestamp: timestamp.optional(),
  originalTimestamp: timestamp.optional(),
  sentAt: timestamp.optional(),
  context: object.optional(),
  integrations: object.optional(),
};

const nameText = z.string().trim().max(LIMITS.name, `At most ${LIMITS.name} characters`);

export const eventShapes = {
  identify: z.object({ ...base, type: z.literal('identify'), traits: object.optional() }),
  track: z.object({ ...base, type: z.literal('track'), event: nameText.min(1, 'Required'), properties: object.optional() }),
  page: z.object({ ...base, type: z.literal('page'), name: nameText.nullable().optional(), category: nameText.nullable().optional(), properties: object.optional() }),
  screen: z.object({ ...base, type: z.literal('screen'), name: nameText.nullable().optional(), category: nameText.nullable().optional(), properties: object.optional() }),
  group: z.object({ ...base, type: z.literal('group'), groupId: idText, traits: object.optional() }),
  alias: z.object({ ...base, type: z.literal('alias'), previousId: idText, userId: idText }),
} as const;

export type RawEvent = z.infer<(typeof eventShapes)[SegmentType]>;

/** The batch envelope; each event in it is validated on its own so one bad event spares the rest. */
export const batchEnvelope = z.object({
  batch: z.array(z.unknown(), 'Expected an array of events'),
  sentAt: timestamp.optional(),
  context: object.optional(),
  integrations: object.optional(),
  writeKey: z.string().max(200).optional(),
});

export const eventSourceBody = z.strictObject({ name: shortText(100).pipe(z.string().min(1, 'Required')) });
export const idParams = z.strictObject({ id: z.uuid('Not a valid id') });
