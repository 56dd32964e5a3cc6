import type { Generated } from 'kysely';
import type { NullableTimestamp, Timestamp } from '../platform/tables.ts';

// Row types of migrations/0003_orders.sql. Money columns are bigint minor units (strings from the driver).
export type OrderStatus = 'inquiry' | 'ordered' | 'delivered' | 'paid' | 'returned' | 'cancelled';
type Minor = string | number | bigint;

export interface OrdersTables {
  products: {
    id: Generated<string>;
    workspace_id: string;
    sku: string;
    name: string;
    category: string | null;
    price_minor: Minor;
    currency: string;
    stock: number | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  orders: {
    id: Generated<string>;
    workspace_id: string;
    contact_id: string;
    external_id: string | null;
    status: OrderStatus;
    currency: string;
    total_minor: Generated<Minor>;
    /** Whether this order's lines count in product stock (migrations/0023_orders_move_stock.sql). */
    moves_stock: Generated<boolean>;
    ordered_at: Timestamp;
    /** Null: ordered_at + the workspace's payment terms (migrations/0025_payment_reliability.sql). */
    due_at: NullableTimestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  order_lines: {
    id: Generated<string>;
    workspace_id: string;
    order_id: string;
    product_id: string | null;
    sku: string;
    name: string;
    quantity: number;
    unit_price_minor: Minor;
    line_total_minor: Minor;
  };
  payments: {
    id: Generated<string>;
    workspace_id: string;
    contact_id: string;
    order_id: string | null;
    amount_minor: Minor;
    currency: string;
    method: string | null;
    external_id: string | null;
    paid_at: Timestamp;
    created_at: Timestamp;
  };
  deliveries: {
    id: Generated<string>;
    workspace_id: string;
    order_id: string;
    status: 'pending' | 'shipped' | 'delivered' | 'failed' | 'returned';
    carrier: string | null;
    tracking_code: string | null;
    problem: string | null;
    shipped_at: NullableTimestamp;
    delivered_at: NullableTimestamp;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  complaints: {
    id: Generated<string>;
    workspace_id: string;
    contact_id: string;
    order_id: string | null;
    subject: string;
    body: string | null;
    status: Generated<'open' | 'resolved' | 'rejected'>;
    created_at: Timestamp;
    resolved_at: NullableTimestamp;
  };
  contact_order_stats: {
    contact_id: string;
    workspace_id: string;
    first_order_at: NullableTimestamp;
    last_order_at: NullableTimestamp;
    order_count: Generated<number>;
    total_minor: Generated<Minor>;
    avg_minor: Generated<Minor>;
    median_gap_days: string | number | null;
    favourite_product_id: string | null;
    favourite_sku: string | null;
    amount_due_minor: Generated<Minor>;
    /** Payment reliability (migrations/0025_payment_reliability.sql; definitions in figures-sql.ts). */
    settled_orders: Generated<number>;
    late_orders: Generated<number>;
    days_late_avg: string | number | null;
    unpaid_due_at: NullableTimestamp;
    updated_at: Timestamp;
  };
}
