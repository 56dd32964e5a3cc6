import { defineRoutes } from '../platform/http.ts';

export const eventsRoutes = defineRoutes([]);
