// Due dates as the server reckons them (src/orders/figures-sql.ts): an order's own dueAt, else its
// order date plus the workspace's payment terms. Only counted orders fall due.

const DAY_MS = 86_400_000;
const COUNTED = new Set(['ordered', 'delivered', 'paid']);

export function dueDateOf(order: { status: string; orderedAt: string; dueAt?: string | null }, paymentTermsDays: number | undefined): string | null {
  if (!COUNTED.has(order.status)) return null;
  if (order.dueAt) return order.dueAt;
  if (paymentTermsDays === undefined) return null;
  return new Date(Date.parse(order.orderedAt) + paymentTermsDays * DAY_MS).toISOString();
}
