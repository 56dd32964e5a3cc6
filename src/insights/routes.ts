import { defineRoutes } from '../platform/http.ts';

export const insightsRoutes = defineRoutes([]);
