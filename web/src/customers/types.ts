// Shapes of the contacts API as the web app reads them (see src/contacts/records.ts and view360.ts).

export type ContactKind = 'person' | 'company';

export interface Contact {
  id: string;
  kind: ContactKind;
  firstName: string | null;
  lastName: string | null;
  name: string;
  companyId: string | null;
  emails: string[];
  phones: string[];
  externalIds: string[];
  locale: string | null;
  timeZone: string | null;
  birthday: string | null;
  ownerId: string | null;
  source: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TimelineItem {
  id: string;
  channel: string;
  type: string;
  direction: 'inbound' | 'outbound' | 'internal';
  occurredAt: string;
  summary: string;
  body: string | null;
  ref: { type: string; id: string } | null;
  authorUserId: string | null;
}

export interface OrderFigures {
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  orderCount: number;
  totalMinor: number;
  averageMinor: number;
  medianGapDays: number | null;
  favouriteProduct: { id: string | null; sku: string; name: string | null } | null;
  amountDueMinor: number;
  currency: string;
  payments: PaymentReliability;
}

/** How the customer pays (src/orders/figures.ts); daysOverdue is judged by the server's clock at read time. */
export interface PaymentReliability {
  settledOrders: number;
  lateOrders: number;
  /** 0–1; null before any order is settled. */
  onTimeShare: number | null;
  averageDaysLate: number | null;
  /** The earliest due date among orders not yet paid in full (may lie ahead). */
  oldestUnpaidDueAt: string | null;
  /** Whole days that due date has passed; 0 when nothing is past due. */
  daysOverdue: number;
  paymentTermsDays: number;
}

export interface Contact360 {
  contact: Contact & { company: { id: string; name: string } | null };
  figures: OrderFigures;
  timeline: Page<TimelineItem>;
  complaintsOpen: number;
}

export const pathFor = (kind: ContactKind) => (kind === 'person' ? '/people' : '/companies');

export interface OrderSummary {
  id: string;
  contactId: string;
  externalId: string | null;
  status: string;
  currency: string;
  totalMinor: number;
  orderedAt: string;
  /** null: orderedAt + the workspace's payment terms. */
  dueAt: string | null;
}

export interface OrderDetail extends OrderSummary {
  lines: Array<{ id: string; sku: string; name: string; quantity: number; unitPriceMinor: number; lineTotalMinor: number }>;
  payments: Array<{ id: string; amountMinor: number; currency: string; method: string | null; paidAt: string }>;
}

export interface Complaint {
  id: string;
  orderId: string | null;
  subject: string;
  body: string | null;
  status: 'open' | 'resolved' | 'rejected';
  createdAt: string;
}

/** A workspace's custom field, as GET /attributes lists it. */
export interface AttributeDef {
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'boolean' | 'choice';
  choices: string[] | null;
  appliesTo: 'person' | 'company' | 'both';
}
