import { defineRoutes } from '../platform/http.ts';

export const authRoutes = defineRoutes([]);
