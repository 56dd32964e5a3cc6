// Shapes of the segments API as the web app reads them (see src/segments/service.ts, build.ts).

export type SegmentKind = 'dynamic' | 'static';

/** A rule tree node: a group, a negation or a condition ({type, …}); see src/segments/schema.ts. */
export type RuleNode = GroupNode | NotNode | ConditionNode;
export interface GroupNode {
  op: 'and' | 'or';
  rules: RuleNode[];
}
export interface NotNode {
  not: RuleNode;
}
export interface ConditionNode {
  type: string;
  [prop: string]: unknown;
}

export interface Segment {
  id: string;
  name: string;
  description: string | null;
  kind: SegmentKind;
  rule: RuleNode | null;
  dependsOn: string[];
  createdAt: string;
  updatedAt: string;
  health: {
    size: number;
    lastBuiltAt: string | null;
    lastBuildMs: number | null;
    lastEntered: number | null;
    lastExited: number | null;
    lagSeconds: number | null;
  };
}

export interface Preview {
  count: number;
  sample: Array<{ id: string; name: string; email: string | null }>;
  planCost: number | null;
}

export interface Member {
  id: string;
  name: string;
  email: string | null;
  since: string;
}

export interface DailyHistory {
  timeZone: string;
  size: number;
  days: Array<{ day: string; entered: number; exited: number }>;
}

export interface BuildResult {
  segmentId: string;
  entered: number;
  exited: number;
  size: number;
  ms: number;
}

export interface MembersChange {
  added?: number;
  removed?: number;
  size: number;
  notFound?: Array<{ line: number; email: string }>;
  invalid?: Array<{ line: number; value: string; reason: string }>;
}

/** The workspace's custom fields, as the customer pages know them. */
export type { AttributeDef } from '../customers/types.ts';
