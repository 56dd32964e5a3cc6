import { z } from 'zod';
import { READ_ANY } from '../auth/roles.ts';
import { NotFound } from '../platform/errors.ts';
import { defineRoutes, route } from '../platform/http.ts';

// "Which segments is this customer in": the stored membership (as of each segment's last build
// or refresh), for the customer 360 page. Served by segment_members_contact.

const params = z.strictObject({ id: z.uuid('Expected a contact id') });

export const contactSegmentsRoutes = defineRoutes([
  route({
    method: 'GET', url: '/api/v1/contacts/:id/segments', tag: 'Segments', roles: READ_ANY, params,
    summary: 'The segments and static lists a customer belongs to, with the time they entered',
    handler: async (ctx, { params }) => {
      const ws = ctx.auth.workspaceId;
      const contact = await ctx.db.selectFrom('contacts').select('id').where('workspace_id', '=', ws).where('id', '=', params.id).executeTakeFirst();
      if (!contact) throw new NotFound('Contact');
      const items = await ctx.db
        .selectFrom('segment_members as m')
        .innerJoin('segments as s', (j) => j.onRef('s.id', '=', 'm.segment_id').on('s.workspace_id', '=', ws))
        .select(['s.id', 's.name', 's.kind', 'm.since', 's.last_built_at as lastBuiltAt'])
        .where('m.contact_id', '=', params.id)
        .where('m.workspace_id', '=', ws)
        .orderBy('s.name')
        .orderBy('s.id')
        .execute();
      return { items };
    },
  }),
]);
