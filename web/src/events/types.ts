// Shapes of the events API (src/events/stream.ts, write-keys.ts) as the web app reads them.

export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface StreamEvent {
  id: string;
  messageId: string;
  type: EventType;
  event: string | null;
  contact: { id: string; name: string } | null;
  anonymousId: string | null;
  userId: string | null;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  occurredAt: string;
  receivedAt: string;
}

export interface StreamPage {
  items: StreamEvent[];
  nextCursor: string | null;
  resumeAfter: string;
  truncated: boolean;
}

export interface EventSource {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface StreamFilters {
  type?: EventType | '';
  event?: string;
  anonymousId?: string;
  contactId?: string;
  /** A local date-time as an <input type="datetime-local"> gives it (no zone). */
  since?: string;
}
