import type { Role } from '../platform/tables.ts';

// The role policy in one place: routes name one of these lists instead of spelling roles out,
// so changing who may do what is a one-line edit here.

export type { Role };

/** Every role, in order of privilege. */
export const ROLE_VALUES = ['admin', 'marketer', 'agent', 'analyst'] as const satisfies readonly Role[];

/** Workspace administration: users, API keys, settings, the audit log. */
export const ADMIN_ONLY: readonly Role[] = ['admin'];

/** Creating and changing customer records (contacts, orders, imports). */
export const WRITE_CUSTOMERS: readonly Role[] = ['admin', 'marketer', 'agent'];

/** Reading anything in the workspace; analysts are read-only. */
export const READ_ANY: readonly Role[] = ['admin', 'marketer', 'agent', 'analyst'];

/** Aliases for readability at call sites. */
export const CAN_WRITE_CONTACTS = WRITE_CUSTOMERS;
export const ANY_ROLE = READ_ANY;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLE_VALUES as readonly string[]).includes(value);
}
