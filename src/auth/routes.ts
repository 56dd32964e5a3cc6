import { defineRoutes, route } from '../platform/http.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { listAuditLog } from './audit.ts';
import { ADMIN_ONLY, READ_ANY } from './roles.ts';
import { apiKeyBody, auditQuery, idParams, inviteBody, loginBody, passwordBody, userPatch, workspacePatch } from './schema.ts';
import { changePasswordHandler, loginHandler, logoutHandler, meHandler } from './session-handlers.ts';
import { inviteUser, listUsers, updateUser } from './users.ts';
import { getWorkspace, updateWorkspace } from './workspace.ts';

const AUTH = 'Auth';
const USERS = 'Users';
const KEYS = 'API keys';
const SETTINGS = 'Workspace';

export const authRoutes = defineRoutes([
  // Sessions for the web UI
  route({ method: 'POST', url: '/api/v1/auth/login', tag: AUTH, summary: 'Sign in; sets the session cookie', roles: 'public', body: loginBody, handler: loginHandler }),
  route({ method: 'POST', url: '/api/v1/auth/logout', tag: AUTH, summary: 'Sign out of this session', roles: READ_ANY, handler: logoutHandler }),
  route({ method: 'GET', url: '/api/v1/auth/me', tag: AUTH, summary: 'The caller, its workspace and CSRF token', roles: READ_ANY, handler: meHandler }),
  route({
    method: 'POST',
    url: '/api/v1/auth/password',
    tag: AUTH,
    summary: 'Change your password; ends all your sessions and starts a fresh one',
    roles: READ_ANY,
    body: passwordBody,
    // Raw: a wrong current password must be recorded for the brake even though the request fails,
    // which the request transaction would roll back. The handler runs its own transaction.
    raw: true,
    handler: changePasswordHandler,
  }),

  // Users
  route({ method: 'GET', url: '/api/v1/users', tag: USERS, summary: 'List users', roles: ADMIN_ONLY, handler: async (ctx) => ({ items: await listUsers(ctx.db, ctx.auth.workspaceId) }) }),
  route({
    method: 'POST',
    url: '/api/v1/users',
    tag: USERS,
    summary: 'Invite a user; returns a one-time temporary password',
    roles: ADMIN_ONLY,
    body: inviteBody,
    status: 201,
    secretResponse: true,
    handler: async (ctx, { body }) => {
      const out = await inviteUser(ctx.db, ctx.auth.workspaceId, body);
      await ctx.audit({ action: 'user.create', entity: 'user', entityId: out.user.id, after: out.user });
      return out;
    },
  }),
  route({
    method: 'PATCH',
    url: '/api/v1/users/:id',
    tag: USERS,
    summary: 'Rename, change role, disable or enable a user',
    roles: ADMIN_ONLY,
    params: idParams,
    body: userPatch,
    handler: async (ctx, { params, body }) => {
      const { before, after } = await updateUser(ctx.db, ctx.auth.workspaceId, params.id, body);
      await ctx.audit({ action: 'user.update', entity: 'user', entityId: after.id, before, after });
      return after;
    },
  }),

  // API keys
  route({ method: 'GET', url: '/api/v1/api-keys', tag: KEYS, summary: 'List API keys (never the key itself)', roles: ADMIN_ONLY, handler: async (ctx) => ({ items: await listApiKeys(ctx.db, ctx.auth.workspaceId) }) }),
  route({
    method: 'POST',
    url: '/api/v1/api-keys',
    tag: KEYS,
    summary: 'Create an API key; the key is shown only in this answer',
    roles: ADMIN_ONLY,
    body: apiKeyBody,
    status: 201,
    secretResponse: true,
    handler: async (ctx, { body }) => {
      const key = await createApiKey(ctx.db, { workspaceId: ctx.auth.workspaceId, name: body.name, role: body.role, createdBy: ctx.auth.userId });
      await ctx.audit({ action: 'api_key.create', entity: 'api_key', entityId: key.id, after: { name: key.name, role: key.role, prefix: key.prefix } });
      return key;
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/api-keys/:id',
    tag: KEYS,
    summary: 'Revoke an API key',
    roles: ADMIN_ONLY,
    params: idParams,
    handler: async (ctx, { params }) => {
      const { before, after } = await revokeApiKey(ctx.db, ctx.auth.workspaceId, params.id);
      if (!before.revokedAt) await ctx.audit({ action: 'api_key.revoke', entity: 'api_key', entityId: after.id, before, after });
      return after;
    },
  }),

  // Workspace settings
  route({ method: 'GET', url: '/api/v1/workspace', tag: SETTINGS, summary: 'Workspace settings', roles: READ_ANY, handler: (ctx) => getWorkspace(ctx.db, ctx.auth.workspaceId) }),
  route({
    method: 'PATCH',
    url: '/api/v1/workspace',
    tag: SETTINGS,
    summary: 'Change name, default country, time zone, currency, locale or payment terms',
    roles: ADMIN_ONLY,
    body: workspacePatch,
    handler: async (ctx, { body }) => {
      const { before, after } = await updateWorkspace(ctx.db, ctx.auth.workspaceId, body);
      await ctx.audit({ action: 'workspace.update', entity: 'workspace', entityId: after.id, before, after });
      return after;
    },
  }),

  // Audit log
  route({
    method: 'GET',
    url: '/api/v1/audit-log',
    tag: SETTINGS,
    summary: 'Audit log, newest first (cursor pagination; filter by entity, entityId)',
    roles: ADMIN_ONLY,
    query: auditQuery,
    handler: (ctx, { query }) => listAuditLog(ctx.db, ctx.auth.workspaceId, query),
  }),
]);
