import { sql } from 'kysely';
import type { Executor } from '../platform/http.ts';
import { TooManyRequests, Unauthorized } from '../platform/errors.ts';
import type { Role } from '../platform/tables.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession, type NewSession } from './sessions.ts';

// The brute-force brake: after MAX_FAILURES failed sign-ins for one e-mail within WINDOW_MS,
// further attempts for it get 429 until the oldest of them leaves the window. Attempts while
// braked are not recorded, so an attacker hammering away cannot extend the lock indefinitely
// for the real owner; they only get 10 guesses per 15 minutes.
export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60 * 1000;
const PRUNE_AFTER_MS = 24 * 60 * 60 * 1000;

export const BAD_CREDENTIALS = 'Wrong e-mail or password';

// Unknown e-mails are verified against this hash so that they cost the same argon2 work as a
// wrong password: response time does not reveal whether an address has an account.
let dummyHash: Promise<string> | undefined;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword('rapport-dummy-password-never-valid');
  return dummyHash;
}

export function loginKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Throws 429 when the e-mail has used up its attempts in the window. */
export async function checkBrake(db: Executor, email: string): Promise<void> {
  const since = new Date(Date.now() - WINDOW_MS);
  const recent = await db
    .selectFrom('login_attempts')
    .select('attempted_at')
    .where('email', '=', loginKey(email))
    .where('attempted_at', '>', since)
    .orderBy('attempted_at', 'desc')
    .limit(MAX_FAILURES)
    .execute();
  if (recent.length < MAX_FAILURES) return;
  const oldest = recent[recent.length - 1]!.attempted_at.getTime();
  const retryAfter = Math.max(1, Math.ceil((oldest + WINDOW_MS - Date.now()) / 1000));
  throw new TooManyRequests('Too many failed sign-in attempts; try again later', retryAfter);
}

export async function recordFailure(db: Executor, email: string, workspaceId: string | null, ip: string | null): Promise<void> {
  const key = loginKey(email);
  await db.insertInto('login_attempts').values({ email: key, workspace_id: workspaceId, ip }).execute();
  await db.deleteFrom('login_attempts').where('email', '=', key).where('attempted_at', '<', new Date(Date.now() - PRUNE_AFTER_MS)).execute();
}

export async function clearFailures(db: Executor, email: string): Promise<void> {
  await db.deleteFrom('login_attempts').where('email', '=', loginKey(email)).execute();
}

export interface SignedIn {
  user: { id: string; email: string; name: string; role: Role };
  workspace: { id: string; name: string };
  mustChangePassword: boolean;
  session: NewSession;
}

export async function signIn(db: Executor, input: { email: string; password: string; ip: string | null }): Promise<SignedIn> {
  const email = loginKey(input.email);
  await checkBrake(db, email);
  const user = await db
    .selectFrom('users')
    .innerJoin('workspaces', 'workspaces.id', 'users.workspace_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'users.password_hash',
      'users.must_change_password',
      'users.disabled_at',
      'users.workspace_id',
      'workspaces.name as workspace_name',
    ])
    .where(sql<string>`lower(users.email)`, '=', email)
    .executeTakeFirst();
  // Always one argon2 verification, whatever the outcome, so that the three refusals look alike.
  const fallback = await dummy();
  const ok = await verifyPassword(user?.password_hash ?? fallback, input.password);
  if (!user || !ok || user.disabled_at !== null) {
    await recordFailure(db, email, user?.workspace_id ?? null, input.ip);
    throw new Unauthorized(BAD_CREDENTIALS);
  }
  await clearFailures(db, email);
  const session = await createSession(db, { workspaceId: user.workspace_id, userId: user.id });
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    workspace: { id: user.workspace_id, name: user.workspace_name },
    mustChangePassword: user.must_change_password,
    session,
  };
}
