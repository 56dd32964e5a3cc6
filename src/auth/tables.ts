import type { Generated } from 'kysely';
import type { Timestamp } from '../platform/tables.ts';

// Row types of migrations/0005_auth.sql.
export interface AuthTables {
  login_attempts: {
    id: Generated<string>;
    email: string;
    workspace_id: string | null;
    ip: string | null;
    attempted_at: Timestamp;
  };
}
