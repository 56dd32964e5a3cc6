// Row types of the insights migrations (0010+), declared by the insights capability.
export interface InsightsTables {}
