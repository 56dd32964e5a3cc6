import { z } from 'zod';
import { ROLE_VALUES } from './roles.ts';

// Request shapes for the auth endpoints. Objects are strict: an unknown field is a 400, so a
// typo (or a smuggled "role") never passes silently.

export const roleSchema = z.enum(ROLE_VALUES);

/** Display names: trimmed, no control characters, bounded so one row cannot bloat every list. */
export const nameSchema = z
  .string()
  .trim()
  .max(200, 'At most 200 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'No control characters');

const emailInput = z.string().max(254, 'At most 254 characters');
// argon2 would hash a megabyte happily, but there is no reason to let a request make it.
const passwordInput = z.string().max(1024, 'At most 1024 characters');

export const MIN_PASSWORD_LENGTH = 10;
export const newPasswordSchema = passwordInput.min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`);

export const loginBody = z.strictObject({ email: emailInput, password: passwordInput.min(1, 'Required') });

export const passwordBody = z.strictObject({ currentPassword: passwordInput, newPassword: newPasswordSchema });

export const idParams = z.strictObject({ id: z.uuid('Not a valid id') });

export const inviteBody = z.strictObject({ email: emailInput, name: nameSchema.default(''), role: roleSchema });

export const userPatch = z
  .strictObject({ name: nameSchema.optional(), role: roleSchema.optional(), disabled: z.boolean().optional() })
  .refine((p) => p.name !== undefined || p.role !== undefined || p.disabled !== undefined, 'Nothing to change');

export const apiKeyBody = z.strictObject({ name: nameSchema.pipe(z.string().min(1, 'Required')), role: roleSchema });

export const workspacePatch = z
  .strictObject({
    name: nameSchema.pipe(z.string().min(1, 'Required')).optional(),
    defaultCountry: z.string().max(2, 'Two letters').optional(),
    timeZone: z.string().max(64, 'At most 64 characters').optional(),
    currency: z.string().max(3, 'Three letters').optional(),
    locale: z.string().max(35, 'At most 35 characters').optional(),
    paymentTermsDays: z
      .int('A whole number of days')
      .min(0, '0 or more days')
      .max(365, 'At most 365 days')
      .optional()
      .describe('Days from order to due date for orders that name none (default 14)'),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'Nothing to change');

export const auditQuery = z.strictObject({
  entity: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type LoginBody = z.infer<typeof loginBody>;
export type InviteBody = z.infer<typeof inviteBody>;
export type UserPatch = z.infer<typeof userPatch>;
export type WorkspacePatch = z.infer<typeof workspacePatch>;
export type AuditQuery = z.infer<typeof auditQuery>;
