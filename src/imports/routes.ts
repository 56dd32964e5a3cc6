import { defineRoutes } from '../platform/http.ts';

export const importsRoutes = defineRoutes([]);
