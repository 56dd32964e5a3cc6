-- Failed sign-in attempts, for the brute-force brake on POST /api/v1/auth/login.
-- Keyed by e-mail rather than workspace: the attempt happens before we know (or may reveal)
-- which workspace, if any, the address belongs to. workspace_id is filled when a user matched,
-- so a workspace can still see its own rows; rows older than a day are pruned on write.
create table login_attempts (
  id bigint generated always as identity primary key,
  email text not null,                 -- lower-cased as typed; may name no user at all
  workspace_id uuid references workspaces(id),
  ip text,
  attempted_at timestamptz not null default now()
);
create index login_attempts_email_time on login_attempts (email, attempted_at);

-- The audit log is read newest-first per workspace, optionally for one entity.
create index audit_log_workspace_id on audit_log (workspace_id, id desc);
create index audit_log_workspace_entity on audit_log (workspace_id, entity, entity_id, id desc);
