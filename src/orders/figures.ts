import type { Executor } from '../platform/http.ts';

// Contract used by contacts/ (the 360 view and merge). The orders capability implements it.

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
}

/** The figures kept current on every order write; zeros for a customer who never ordered. */
export async function getOrderFigures(db: Executor, workspaceId: string, contactId: string): Promise<OrderFigures> {
  void db; void workspaceId; void contactId;
  throw new Error('getOrderFigures: implemented by the orders capability');
}

/** Moves every order, payment and complaint of `fromId` to `intoId` and recomputes the figures of `intoId`. */
export async function reassignOrdersOnMerge(db: Executor, workspaceId: string, fromId: string, intoId: string): Promise<void> {
  void db; void workspaceId; void fromId; void intoId;
  throw new Error('reassignOrdersOnMerge: implemented by the orders capability');
}

/** Set-based recompute for every customer of a workspace (after bulk loads: import, demo data). */
export async function recomputeOrderFiguresForWorkspace(db: Executor, workspaceId: string): Promise<void> {
  void db; void workspaceId;
  throw new Error('recomputeOrderFiguresForWorkspace: implemented by the orders capability');
}
