import { z } from 'zod';

// Request shapes for products, orders, payments, deliveries and complaints. Money is always an
// integer count of minor units (cents): floats, strings and negative amounts are refused here,
// before any arithmetic happens.

/** 10 billion in major units: far above any real order, far below 2^53 after summing. */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;
/** Cap on an order's computed total; checked by the service after multiplying lines. */
export const MAX_ORDER_TOTAL_MINOR = 10_000_000_000_000;
export const MAX_QUANTITY = 1_000_000;
/** A shop's order with thousands of lines is an integration bug, not an order. */
export const MAX_LINES = 1000;

/**
 * A due date may fall on the order's own day, even at an earlier hour (a date without a time
 * reads as midnight: "due 1.3." for an order placed at 14:30 on 1.3. is pay-on-the-day), but not
 * on an earlier day (UTC days, as dates without a zone are read).
 */
export function dueBeforeOrderDay(dueAt: string, orderedAt: string | Date): boolean {
  const t = new Date(orderedAt).getTime();
  return Date.parse(dueAt) < t - (t % 86_400_000);
}
export const DUE_BEFORE_ORDER = 'The due date is before the order date';

export const ORDER_STATUSES = ['inquiry', 'ordered', 'delivered', 'paid', 'returned', 'cancelled'] as const;
export const DELIVERY_STATUSES = ['pending', 'shipped', 'delivered', 'failed', 'returned'] as const;
export const COMPLAINT_STATUSES = ['open', 'resolved', 'rejected'] as const;

export const orderStatus = z.enum(ORDER_STATUSES);
export const deliveryStatus = z.enum(DELIVERY_STATUSES);
export const complaintStatus = z.enum(COMPLAINT_STATUSES);

const money = z.int('Must be an integer number of minor units').min(0).max(MAX_AMOUNT_MINOR);
const positiveMoney = z.int('Must be an integer number of minor units').min(1, 'Must be greater than 0').max(MAX_AMOUNT_MINOR);
const currency = z.string().regex(/^[A-Z]{3}$/, 'An ISO 4217 code such as EUR');
const sku = z.string().trim().min(1).max(100);
const name = z.string().trim().min(1).max(500);
const shortText = z.string().trim().max(200);
const externalId = z.string().trim().min(1).max(200);
const instant = z.iso.datetime({ offset: true, message: 'An ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z' });

export const idParams = z.strictObject({ id: z.uuid() });
export const contactIdParams = z.strictObject({ contactId: z.uuid() });

const limit = z.coerce.number().int().min(1).max(200).default(50);
const cursor = z.string().max(500).optional();

// ---- products

export const createProductBody = z.strictObject({
  sku,
  name,
  category: z.string().trim().max(200).nullable().optional(),
  priceMinor: money,
  currency,
  // A count entered by hand is what is on the shelf, so never below zero; orders placed through
  // the API may take it below zero afterwards (oversold), which the product then shows.
  stock: z
    .int()
    .min(0, 'A counted stock is 0 or more')
    .max(1_000_000_000)
    .nullable()
    .optional()
    .describe('Units on hand; null = not tracked. Orders through the API take from it and may leave it negative (oversold).'),
});
export const updateProductBody = createProductBody.partial().refine((b) => Object.keys(b).length > 0, 'Give at least one field');
export const listProductsQuery = z.strictObject({
  category: z.string().max(200).optional(),
  cursor,
  limit,
});

// ---- orders

/** A customer named by one identity, as a shop knows them. */
export const contactRef = z.union([
  z.strictObject({ email: z.string().max(320) }),
  z.strictObject({ phone: z.string().max(64) }),
  z.strictObject({ externalId: z.string().trim().min(1).max(300) }),
]);

export const orderLineInput = z
  .strictObject({
    productId: z.uuid().optional(),
    sku: sku.optional(),
    quantity: z.int('Must be a whole number').min(1, 'Must be at least 1').max(MAX_QUANTITY),
    unitPriceMinor: money.optional(),
    name: name.optional(),
  })
  .refine((l) => l.productId !== undefined || l.sku !== undefined, { message: 'Give productId or sku', path: ['sku'] });

export const createOrderBody = z
  .strictObject({
    contactId: z.uuid().optional(),
    contact: contactRef.optional(),
    externalId: externalId.optional(),
    status: orderStatus.default('ordered'),
    currency: currency.optional(),
    orderedAt: instant.optional(),
    dueAt: instant.optional().describe("When payment falls due; without it, orderedAt + the workspace's payment terms"),
    lines: z.array(orderLineInput).min(1, 'An order needs at least one line').max(MAX_LINES, `At most ${MAX_LINES} lines`),
  })
  .refine((b) => (b.contactId === undefined) !== (b.contact === undefined), {
    message: 'Give exactly one of contactId or contact',
    path: ['contactId'],
  })
  .refine((b) => b.dueAt === undefined || !dueBeforeOrderDay(b.dueAt, b.orderedAt ?? new Date()), {
    message: DUE_BEFORE_ORDER,
    path: ['dueAt'],
  });
export type CreateOrderInput = z.infer<typeof createOrderBody>;

export const listOrdersQuery = z.strictObject({
  contactId: z.uuid().optional(),
  status: orderStatus.optional(),
  cursor,
  limit,
});

export const changeStatusBody = z.strictObject({ status: orderStatus });
/** null returns the order to the workspace's payment terms. */
export const changeDueDateBody = z.strictObject({ dueAt: instant.nullable() });

// ---- payments

export const createPaymentBody = z
  .strictObject({
    contactId: z.uuid().optional(),
    orderId: z.uuid().optional(),
    amountMinor: positiveMoney,
    currency: currency.optional(),
    method: shortText.optional(),
    paidAt: instant.optional(),
    externalId: externalId.optional(),
  })
  .refine((b) => b.contactId !== undefined || b.orderId !== undefined, { message: 'Give contactId or orderId', path: ['contactId'] });
export type CreatePaymentInput = z.infer<typeof createPaymentBody>;

export const listPaymentsQuery = z.strictObject({ contactId: z.uuid().optional(), orderId: z.uuid().optional(), cursor, limit });

// ---- deliveries

export const createDeliveryBody = z.strictObject({
  status: deliveryStatus.default('pending'),
  carrier: shortText.nullable().optional(),
  trackingCode: shortText.nullable().optional(),
  problem: z.string().trim().max(2000).nullable().optional(),
  shippedAt: instant.nullable().optional(),
  deliveredAt: instant.nullable().optional(),
});
export const updateDeliveryBody = createDeliveryBody
  .extend({ status: deliveryStatus.optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'Give at least one field');
export type DeliveryInput = z.infer<typeof createDeliveryBody>;
export type DeliveryPatch = z.infer<typeof updateDeliveryBody>;

// ---- complaints

export const createComplaintBody = z.strictObject({
  contactId: z.uuid(),
  orderId: z.uuid().optional(),
  subject: z.string().trim().min(1).max(300),
  body: z.string().max(20_000).optional(),
});
export const listComplaintsQuery = z.strictObject({
  contactId: z.uuid().optional(),
  status: complaintStatus.optional(),
  cursor,
  limit,
});
export const updateComplaintBody = z.strictObject({ status: complaintStatus });

// ---- receivables

export const listReceivablesQuery = z.strictObject({
  /** overdue: only customers with an order past due, longest overdue first. */
  sort: z.enum(['amount', 'overdue']).default('amount'),
  /** A user id, or 'me': only the customers that user owns (an account manager's own debtors). */
  ownerId: z.union([z.literal('me'), z.uuid('Expected a user id or "me"')]).optional(),
  cursor,
  limit,
});
