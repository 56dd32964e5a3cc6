import { z } from 'zod';

// Request shapes for the contacts endpoints, shared with the web UI. Objects are strict (an
// unknown field is a 400) and every array and string is bounded, so one request cannot make a
// row, an index entry or an audit record of unbounded size. Normalisation of e-mails and phones
// (and the reasons for refusing them) lives in normalize.ts, shared with the importer.

export const LIMITS = {
  name: 200,
  emails: 20,
  phones: 20,
  externalIds: 20,
  tags: 50,
  tag: 64,
  attributes: 100,
  attrText: 10_000,
  summary: 500,
  body: 100_000,
  linked: 20,
  listPage: 200,
  choices: 200,
} as const;

const noControl = (s: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);

/** A short single-line text: trimmed, bounded, no control characters. */
export const shortText = (max: number) =>
  z.string().trim().max(max, `At most ${max} characters`).refine(noControl, 'No control characters');

export const nameText = shortText(LIMITS.name);
export const tagText = shortText(LIMITS.tag).pipe(z.string().min(1, 'Empty tag'));
/** 'source:id', e.g. 'shopify:12345'. */
export const externalIdText = z
  .string()
  .trim()
  .max(200, 'At most 200 characters')
  .regex(/^[A-Za-z0-9_.-]{1,50}:\S.*$/, "Expected 'source:id'");

// E-mails and phones are checked by normalize.ts, so a bad one is reported with its position.
const emailList = z.array(z.string().max(320, 'At most 320 characters')).max(LIMITS.emails, `At most ${LIMITS.emails} e-mails`);
const phoneList = z.array(z.string().max(64, 'At most 64 characters')).max(LIMITS.phones, `At most ${LIMITS.phones} phones`);
const tagList = z.array(tagText).max(LIMITS.tags, `At most ${LIMITS.tags} tags`);
const externalIdList = z.array(externalIdText).max(LIMITS.externalIds, `At most ${LIMITS.externalIds} external ids`);

const attributeValue = z.union([z.string().max(LIMITS.attrText), z.number(), z.boolean(), z.null()]);
export const attributesInput = z
  .record(z.string().max(63), attributeValue)
  .refine((r) => Object.keys(r).length <= LIMITS.attributes, `At most ${LIMITS.attributes} attributes`);

const birthday = z.string().max(10, 'Expected YYYY-MM-DD');
const locale = z.string().trim().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$/, 'Expected a language tag like fi or fi-FI');
const timeZone = z
  .string()
  .trim()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'Unknown time zone');

const commonFields = {
  emails: emailList.optional(),
  phones: phoneList.optional(),
  locale: locale.nullable().optional(),
  timeZone: timeZone.nullable().optional(),
  ownerId: z.uuid('Not a valid id').nullable().optional(),
  source: shortText(100).nullable().optional(),
  tags: tagList.optional(),
  attributes: attributesInput.optional(),
  externalIds: externalIdList.optional(),
};

export const personBody = z
  .strictObject({
    firstName: nameText.nullable().optional(),
    lastName: nameText.nullable().optional(),
    birthday: birthday.nullable().optional(),
    companyId: z.uuid('Not a valid id').nullable().optional(),
    ...commonFields,
  })
  .refine((p) => `${p.firstName ?? ''}${p.lastName ?? ''}`.trim() !== '', { message: 'A first or last name is required', path: ['firstName'] });

export const companyBody = z.strictObject({
  name: nameText.pipe(z.string().min(1, 'Required')),
  ...commonFields,
});

// PATCH: every field optional; tags can also be added/removed without resending the whole list.
const tagChanges = {
  addTags: tagList.optional(),
  removeTags: tagList.optional(),
};

export const personPatch = z.strictObject({
  firstName: nameText.nullable().optional(),
  lastName: nameText.nullable().optional(),
  birthday: birthday.nullable().optional(),
  companyId: z.uuid('Not a valid id').nullable().optional(),
  ...commonFields,
  ...tagChanges,
});

export const companyPatch = z.strictObject({
  name: nameText.pipe(z.string().min(1, 'Required')).optional(),
  ...commonFields,
  ...tagChanges,
});

export const idParams = z.strictObject({ id: z.uuid('Not a valid id') });

export const LIST_KEYS = ['search', 'tag', 'ownerId', 'sort', 'limit', 'cursor', 'lastOrderDaysAgoMin', 'lastOrderDaysAgoMax', 'ordersMin'] as const;
const ATTR_PARAM = /^attr\.[a-z][a-z0-9_]{0,62}$/;

/** `attr.<key>=<value>` filters ride along as extra query keys; anything else unknown is refused. */
export const listQuery = z
  .object({
    search: z.string().max(200, 'At most 200 characters').optional(),
    tag: tagText.optional(),
    ownerId: z.uuid('Not a valid id').optional(),
    sort: z.enum(['name', 'created']).default('name'),
    limit: z.coerce.number().int().min(1).max(LIMITS.listPage).default(50),
    cursor: z.string().max(500).optional(),
    // Order figures (kept current per customer in contact_order_stats).
    lastOrderDaysAgoMin: z.coerce.number().int().min(0).max(36_500).optional(),
    lastOrderDaysAgoMax: z.coerce.number().int().min(0).max(36_500).optional(),
    ordersMin: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .catchall(z.string().max(200, 'At most 200 characters'))
  .superRefine((q, ctx) => {
    const extra = Object.keys(q).filter((k) => !(LIST_KEYS as readonly string[]).includes(k));
    for (const k of extra) {
      if (!ATTR_PARAM.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: 'Unknown parameter' });
    }
    if (extra.length > 10) ctx.addIssue({ code: 'custom', path: ['attr'], message: 'At most 10 attribute filters' });
  });

export const lookupQuery = z
  .strictObject({
    email: z.string().max(320).optional(),
    phone: z.string().max(64).optional(),
    externalId: z.string().max(200).optional(),
  })
  .refine((q) => [q.email, q.phone, q.externalId].filter((v) => v !== undefined).length === 1, {
    message: 'Give exactly one of email, phone, externalId',
    path: ['email'],
  });

/** Channels a user may log by hand; orders, payments, complaints… are written by their capabilities. */
export const USER_CHANNELS = ['note', 'call', 'meeting', 'email', 'sms', 'voice', 'web', 'visit', 'chat', 'letter', 'social', 'other'] as const;
/** Every channel that can appear on a timeline (the filter accepts these). */
export const TIMELINE_CHANNELS = [...USER_CHANNELS, 'order', 'payment', 'delivery', 'complaint', 'survey', 'system', 'event'] as const;

const linkedRef = z.strictObject({ type: shortText(50).pipe(z.string().min(1)), id: shortText(100).pipe(z.string().min(1)) });

export const interactionBody = z.strictObject({
  channel: z.enum(USER_CHANNELS),
  type: z
    .string()
    .trim()
    .max(100)
    .regex(/^[a-z][a-z0-9_.-]*$/, 'Lower-case words joined by . _ or -')
    .optional(),
  direction: z.enum(['inbound', 'outbound', 'internal']).default('internal'),
  occurredAt: z.iso.datetime({ offset: true, message: 'Expected an ISO 8601 date-time' }).optional(),
  summary: z.string().max(LIMITS.summary, `At most ${LIMITS.summary} characters`).default(''),
  body: z.string().max(LIMITS.body, `At most ${LIMITS.body} characters`).nullable().optional(),
  linked: z.array(linkedRef).max(LIMITS.linked, `At most ${LIMITS.linked} links`).default([]),
});

export const timelineQuery = z.strictObject({
  channel: z.enum(TIMELINE_CHANNELS).optional(),
  type: z.string().max(100).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.listPage).default(20),
});

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'boolean', 'choice'] as const;
const attributeKey = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'Lower-case letters, digits and _; starts with a letter');
const choiceList = z
  .array(shortText(100).pipe(z.string().min(1, 'Empty choice')))
  .min(1, 'At least one choice')
  .max(LIMITS.choices, `At most ${LIMITS.choices} choices`);

export const attributeBody = z
  .strictObject({
    key: attributeKey,
    label: nameText.pipe(z.string().min(1, 'Required')),
    type: z.enum(ATTRIBUTE_TYPES),
    choices: choiceList.optional(),
    appliesTo: z.enum(['person', 'company', 'both']).default('person'),
  })
  .superRefine((a, ctx) => {
    if (a.type === 'choice' && !a.choices) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'Required for a choice attribute' });
    if (a.type !== 'choice' && a.choices) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'Only a choice attribute has choices' });
  });

export const attributePatch = z
  .strictObject({ label: nameText.pipe(z.string().min(1, 'Required')).optional(), addChoices: choiceList.optional() })
  .refine((p) => p.label !== undefined || p.addChoices !== undefined, 'Nothing to change');

export const attributeParams = z.strictObject({ key: attributeKey });

export const mergeBody = z
  .strictObject({ keepId: z.uuid('Not a valid id'), mergeId: z.uuid('Not a valid id') })
  .refine((m) => m.keepId !== m.mergeId, { message: 'A contact cannot be merged into itself', path: ['mergeId'] });

export type PersonBody = z.infer<typeof personBody>;
export type CompanyBody = z.infer<typeof companyBody>;
export type PersonPatch = z.infer<typeof personPatch>;
export type CompanyPatch = z.infer<typeof companyPatch>;
export type ListQuery = z.infer<typeof listQuery>;
export type LookupQuery = z.infer<typeof lookupQuery>;
export type InteractionBody = z.infer<typeof interactionBody>;
export type TimelineQuery = z.infer<typeof timelineQuery>;
export type AttributeBody = z.infer<typeof attributeBody>;
export type AttributePatch = z.infer<typeof attributePatch>;
export type MergeBody = z.infer<typeof mergeBody>;
