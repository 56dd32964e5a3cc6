import type { PlatformTables } from './tables.ts';
import type { ContactsTables } from '../contacts/tables.ts';
import type { OrdersTables } from '../orders/tables.ts';
import type { AuthTables } from '../auth/tables.ts';
import type { ImportsTables } from '../imports/tables.ts';
import type { EventsTables } from '../events/tables.ts';
import type { SegmentsTables } from '../segments/tables.ts';
import type { InsightsTables } from '../insights/tables.ts';

// The whole schema as Kysely sees it: each capability declares its own tables beside its code.
export interface Database
  extends PlatformTables,
    ContactsTables,
    OrdersTables,
    AuthTables,
    ImportsTables,
    EventsTables,
    SegmentsTables,
    InsightsTables {}
