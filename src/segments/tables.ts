// Row types of the segments migrations (0009+), declared by the segments capability.
export interface SegmentsTables {}
