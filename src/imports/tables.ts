import type { Generated } from 'kysely';
import type { Json, NullableTimestamp, Timestamp } from '../platform/tables.ts';

// Row types of migrations/0004_imports.sql (the payments kind: 0026). Counters are bigint (strings from the pg driver).
export type ImportKind = 'people' | 'companies' | 'orders' | 'payments';
export type ImportState = 'uploaded' | 'queued' | 'running' | 'succeeded' | 'failed';
type Count = string | number | bigint;

export interface ImportsTables {
  imports: {
    id: Generated<string>;
    workspace_id: string;
    kind: ImportKind;
    file_path: string;
    file_name: string | null;
    file_bytes: Generated<Count>;
    headers: Generated<string[]>;
    mapping: Json<Record<string, string>> | null;
    /** migrations/0022: the encoding and separator chosen or detected at upload (csv-format.ts). */
    csv_format: Json<{ encoding?: string; delimiter?: string }> | null;
    state: Generated<ImportState>;
    job_id: string | null;
    rows_done: Generated<Count>;
    bytes_done: Generated<Count>;
    created_count: Generated<Count>;
    updated_count: Generated<Count>;
    unchanged_count: Generated<Count>;
    duplicate_count: Generated<Count>;
    rejected_count: Generated<Count>;
    extra: Json<Record<string, number>>;
    error: string | null;
    created_by: string | null;
    created_at: Timestamp;
    started_at: NullableTimestamp;
    finished_at: NullableTimestamp;
    updated_at: Timestamp;
  };
  import_rejections: {
    workspace_id: string;
    import_id: string;
    line: number;
    reason: string;
    raw: string;
  };
}
