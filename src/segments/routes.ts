import { defineRoutes } from '../platform/http.ts';

export const segmentsRoutes = defineRoutes([]);
