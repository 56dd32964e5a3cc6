import { defineRoutes } from '../platform/http.ts';

export const ordersRoutes = defineRoutes([]);
