import { defineRoutes } from '../platform/http.ts';

export const contactsRoutes = defineRoutes([]);
