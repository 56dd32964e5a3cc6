import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { Conflict, NotFound, ValidationError } from '../platform/errors.ts';
import type { Role } from '../platform/tables.ts';
import { normalizeEmail } from '../contacts/normalize.ts';
import { checkBrake, clearFailures, recordFailure } from './login.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { MIN_PASSWORD_LENGTH, type UserPatch } from './schema.ts';
import { endUserSessions } from './sessions.ts';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
}

const USER_COLUMNS = ['id', 'email', 'name', 'role', 'disabled_at', 'must_change_password', 'created_at'] as const;

type UserRow = { id: string; email: string; name: string; role: Role; disabled_at: Date | null; must_change_password: boolean; created_at: Date };

function view(r: UserRow): UserView {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    disabled: r.disabled_at !== null,
    mustChangePassword: r.must_change_password,
    createdAt: r.created_at,
  };
}

/** 16 characters of base64url (96 bits): long enough to be a safe one-time password, short enough to type. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

export async function listUsers(db: Executor, workspaceId: string): Promise<UserView[]> {
  const rows = await db.selectFrom('users').select(USER_COLUMNS).where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
  return rows.map(view);
}

export async function getUser(db: Executor, workspaceId: string, id: string): Promise<UserView> {
  const row = await db.selectFrom('users').select(USER_COLUMNS).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('User');
  return view(row);
}

export interface NewUser {
  workspaceId: string;
  email: string;
  name?: string;
  role: Role;
  password: string;
  mustChangePassword: boolean;
}

/** Shared by the invite endpoint and the CLI, so both refuse the same e-mails and passwords. */
export async function createUser(db: Executor, input: NewUser): Promise<UserView> {
  const email = normalizeEmail(input.email);
  if (!email.ok) throw ValidationError.field('email', email.reason);
  if (input.password.length < MIN_PASSWORD_LENGTH) throw ValidationError.field('password', `At least ${MIN_PASSWORD_LENGTH} characters`);
  // Sign-in is by e-mail alone, so an address may belong to one user in the whole installation.
  const taken = await db.selectFrom('users').select('id').where(sql<string>`lower(email)`, '=', email.value).executeTakeFirst();
  if (taken) throw new Conflict('A user with this e-mail already exists', { email: ['Already in use'] });
  const row = await db
    .insertInto('users')
    .values({
      workspace_id: input.workspaceId,
      email: email.value,
      name: input.name ?? '',
      role: input.role,
      password_hash: await hashPassword(input.password),
      must_change_password: input.mustChangePassword,
    })
    .returning(USER_COLUMNS)
    .executeTakeFirstOrThrow();
  return view(row);
}

/** An invited user gets a one-time password that must be replaced at first sign-in. */
export async function inviteUser(
  db: Executor,
  workspaceId: string,
  input: { email: string; name: string; role: Role },
): Promise<{ user: UserView; temporaryPassword: string }> {
  const temporaryPassword = generatePassword();
  const user = await createUser(db, { workspaceId, ...input, password: temporaryPassword, mustChangePassword: true });
  return { user, temporaryPassword };
}

/**
 * Changes name, role or disabled state. The workspace must keep at least one active admin:
 * the active admins are locked first, so two admins demoting each other at once cannot both win.
 */
export async function updateUser(db: Executor, workspaceId: string, id: string, patch: UserPatch): Promise<{ before: UserView; after: UserView }> {
  const activeAdmins = await db
    .selectFrom('users')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .forUpdate()
    .execute();
  const before = await getUser(db, workspaceId, id);
  const staysActiveAdmin = (patch.role ?? before.role) === 'admin' && !(patch.disabled ?? before.disabled);
  const isActiveAdmin = activeAdmins.some((a) => a.id === id);
  if (isActiveAdmin && !staysActiveAdmin && activeAdmins.length <= 1) {
    throw new Conflict('The workspace must keep at least one active admin');
  }
  const set: { name?: string; role?: Role; disabled_at?: Date | null } = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.disabled !== undefined && patch.disabled !== before.disabled) set.disabled_at = patch.disabled ? new Date() : null;
  if (Object.keys(set).length === 0) return { before, after: before };
  const row = await db
    .updateTable('users')
    .set(set)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning(USER_COLUMNS)
    .executeTakeFirstOrThrow();
  if (patch.disabled === true) await endUserSessions(db, workspaceId, id);
  return { before, after: view(row) };
}

/**
 * Checks the current password before a change. Wrong guesses count toward the sign-in brake, so
 * a stolen session cannot be used to brute-force the password; for that the failure must be
 * recorded outside the request's transaction (which the refusal rolls back), so call this with
 * a non-transactional db.
 */
export async function verifyCurrentPassword(
  db: Executor,
  input: { workspaceId: string; userId: string; currentPassword: string; newPassword: string; ip: string | null },
): Promise<void> {
  const row = await db
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.userId)
    .executeTakeFirst();
  if (!row) throw new NotFound('User');
  await checkBrake(db, row.email);
  if (!(await verifyPassword(row.password_hash, input.currentPassword))) {
    await recordFailure(db, row.email, input.workspaceId, input.ip);
    throw ValidationError.field('currentPassword', 'Wrong password');
  }
  if (input.newPassword === input.currentPassword) throw ValidationError.field('newPassword', 'Choose a password different from the current one');
  await clearFailures(db, row.email);
}

/** Stores a new password, clears the must-change flag and ends every session of the user. */
export async function setPassword(db: Executor, workspaceId: string, userId: string, newPassword: string): Promise<UserView> {
  if (newPassword.length < MIN_PASSWORD_LENGTH) throw ValidationError.field('newPassword', `At least ${MIN_PASSWORD_LENGTH} characters`);
  const updated = await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(newPassword), must_change_password: false, password_changed_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', userId)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
  if (!updated) throw new NotFound('User');
  await endUserSessions(db, workspaceId, userId);
  return view(updated);
}
