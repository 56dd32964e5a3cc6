import { Forbidden, NotFound } from '../platform/errors.ts';
import type { RouteContext } from '../platform/http.ts';
import { writeAuditRow } from './audit.ts';
import { signIn } from './login.ts';
import type { LoginBody } from './schema.ts';
import { clearSessionCookie, createSession, endSession, setSessionCookie } from './sessions.ts';
import { setPassword, verifyCurrentPassword } from './users.ts';

// Handlers for the session endpoints, kept out of routes.ts because they set cookies and
// (for the password change) manage their own transaction.

export async function loginHandler(ctx: RouteContext, { body }: { body: LoginBody }) {
  const out = await signIn(ctx.db, { email: body.email, password: body.password, ip: ctx.req.ip ?? null });
  await writeAuditRow(
    ctx.db,
    { workspaceId: out.workspace.id, userId: out.user.id, requestId: ctx.req.id },
    { action: 'session.login', entity: 'user', entityId: out.user.id },
  );
  setSessionCookie(ctx.reply, out.session);
  return { user: out.user, workspace: out.workspace, csrfToken: out.session.csrfToken, mustChangePassword: out.mustChangePassword };
}

export async function logoutHandler(ctx: RouteContext) {
  if (ctx.auth.via === 'session' && ctx.auth.sessionId) {
    await endSession(ctx.db, ctx.auth.workspaceId, ctx.auth.sessionId);
    await ctx.audit({ action: 'session.logout', entity: 'user', entityId: ctx.auth.userId });
  }
  clearSessionCookie(ctx.reply);
  return { ok: true };
}

export async function meHandler(ctx: RouteContext) {
  const ws = await ctx.db.selectFrom('workspaces').select(['id', 'name']).where('id', '=', ctx.auth.workspaceId).executeTakeFirst();
  if (!ws) throw new NotFound('Workspace');
  let user = null;
  let mustChangePassword = false;
  if (ctx.auth.userId) {
    const u = await ctx.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'role', 'must_change_password'])
      .where('workspace_id', '=', ctx.auth.workspaceId)
      .where('id', '=', ctx.auth.userId)
      .executeTakeFirst();
    if (!u) throw new NotFound('User');
    user = { id: u.id, email: u.email, name: u.name, role: u.role };
    mustChangePassword = u.must_change_password;
  }
  return {
    user,
    workspace: ws,
    role: ctx.auth.role,
    via: ctx.auth.via,
    csrfToken: ctx.auth.csrfToken ?? null,
    mustChangePassword,
  };
}

export async function changePasswordHandler(ctx: RouteContext, { body }: { body: { currentPassword: string; newPassword: string } }) {
  const { workspaceId, userId } = ctx.auth;
  if (ctx.auth.via !== 'session' || !userId) throw new Forbidden('Only a signed-in user can change their password');
  // ctx.db is not a transaction here (raw route), so a recorded failure survives the refusal.
  await verifyCurrentPassword(ctx.db, { workspaceId, userId, ...body, ip: ctx.req.ip ?? null });
  const out = await ctx.engine.db.transaction().execute(async (trx) => {
    const user = await setPassword(trx, workspaceId, userId, body.newPassword);
    const session = await createSession(trx, { workspaceId, userId });
    await writeAuditRow(trx, { workspaceId, userId, requestId: ctx.req.id }, { action: 'user.password_change', entity: 'user', entityId: userId });
    const ws = await trx.selectFrom('workspaces').select(['id', 'name']).where('id', '=', workspaceId).executeTakeFirstOrThrow();
    return { user, session, ws };
  });
  setSessionCookie(ctx.reply, out.session);
  return ctx.reply.code(200).send({
    user: { id: out.user.id, email: out.user.email, name: out.user.name, role: out.user.role },
    workspace: out.ws,
    csrfToken: out.session.csrfToken,
    mustChangePassword: false,
  });
}
