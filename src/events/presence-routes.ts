import type { FastifyRequest } from 'fastify';
import { authenticate } from '../auth/authenticate.ts';
import { ADMIN_ONLY, READ_ANY, WRITE_CUSTOMERS } from '../auth/roles.ts';
import type { Engine } from '../platform/db.ts';
import { Forbidden, NotFound, Unauthorized, ValidationError } from '../platform/errors.ts';
import { defineRoutes, route } from '../platform/http.ts';
import { listDevices, registerDevice, withdrawDevice } from './devices.ts';
import * as p from './presence-schema.ts';
import { idParams } from './schema.ts';
import { ingestSightings, sightingList, type SightingsReport } from './sightings.ts';
import {
  SENSOR_TOKEN_PREFIX,
  activeSensor,
  createSensor,
  createStore,
  deleteStore,
  getSensor,
  getStore,
  hourlyCounts,
  listSensors,
  listStores,
  revokeSensor,
  sensorByToken,
  updateSensor,
  updateStore,
} from './stores-sensors.ts';

// Stores, sensors, customers' consented devices and the HTTP door for sightings.

const TAG = 'Presence';

/**
 * Sightings accept the sensor's own token or an API key (Bearer). The route is public to the
 * platform because sensor tokens are not API keys; both paths end at one sensor of one workspace.
 */
async function sensorFor(engine: Engine, req: FastifyRequest, sensorId: string) {
  const header = req.headers.authorization;
  const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!token) throw new Unauthorized('A sensor token or API key is required (Authorization: Bearer)');
  if (token.startsWith(SENSOR_TOKEN_PREFIX)) {
    const sensor = await sensorByToken(engine.db, token);
    if (!sensor) throw new Unauthorized('Unknown or revoked sensor token');
    if (sensor.id !== sensorId) throw new Forbidden('This token belongs to another sensor');
    return sensor;
  }
  const auth = await authenticate(req, engine.db);
  if (!auth) throw new Unauthorized();
  if (!WRITE_CUSTOMERS.includes(auth.role)) throw new Forbidden();
  const sensor = await activeSensor(engine.db, auth.workspaceId, sensorId);
  if (!sensor) throw new NotFound('Sensor');
  return sensor;
}

export const presenceRoutes = defineRoutes([
  route({
    method: 'POST', url: '/api/v1/stores', tag: TAG, summary: 'Create a store', roles: ADMIN_ONLY, body: p.storeBody, status: 201,
    handler: async (ctx, { body }) => {
      const after = await createStore(ctx.db, ctx.auth.workspaceId, body);
      await ctx.audit({ action: 'store.create', entity: 'store', entityId: after.id, after });
      return after;
    },
  }),
  route({
    method: 'GET', url: '/api/v1/stores', tag: TAG, summary: 'List stores', roles: READ_ANY,
    handler: async (ctx) => ({ items: await listStores(ctx.db, ctx.auth.workspaceId) }),
  }),
  route({
    method: 'GET', url: '/api/v1/stores/:id', tag: TAG, summary: 'Get a store', roles: READ_ANY, params: idParams,
    handler: (ctx, { params }) => getStore(ctx.db, ctx.auth.workspaceId, params.id),
  }),
  route({
    method: 'PATCH', url: '/api/v1/stores/:id', tag: TAG, summary: 'Change a store', roles: ADMIN_ONLY, params: idParams, body: p.storePatch,
    handler: async (ctx, { params, body }) => {
      const { before, after } = await updateStore(ctx.db, ctx.auth.workspaceId, params.id, body);
      await ctx.audit({ action: 'store.update', entity: 'store', entityId: params.id, before, after });
      return after;
    },
  }),
  route({
    method: 'DELETE', url: '/api/v1/stores/:id', tag: TAG, summary: 'Delete a store without sensors or visits', roles: ADMIN_ONLY, params: idParams, status: 204,
    handler: async (ctx, { params }) => {
      const before = await deleteStore(ctx.db, ctx.auth.workspaceId, params.id);
      await ctx.audit({ action: 'store.delete', entity: 'store', entityId: params.id, before });
      return undefined;
    },
  }),

  route({
    method: 'POST', url: '/api/v1/sensors', tag: TAG, summary: "Register a sensor; its token is shown once", roles: ADMIN_ONLY, body: p.sensorBody, status: 201, secretResponse: true,
    handler: async (ctx, { body }) => {
      const created = await createSensor(ctx.db, ctx.auth.workspaceId, body);
      const { token: _secret, ...after } = created;
      await ctx.audit({ action: 'sensor.create', entity: 'sensor', entityId: created.id, after });
      return created;
    },
  }),
  route({
    method: 'GET', url: '/api/v1/sensors', tag: TAG, summary: 'List sensors', roles: READ_ANY, query: p.sensorListQuery,
    handler: async (ctx, { query }) => ({ items: await listSensors(ctx.db, ctx.auth.workspaceId, query.storeId) }),
  }),
  route({
    method: 'GET', url: '/api/v1/sensors/:id', tag: TAG, summary: 'Get a sensor', roles: READ_ANY, params: idParams,
    handler: (ctx, { params }) => getSensor(ctx.db, ctx.auth.workspaceId, params.id),
  }),
  route({
    method: 'PATCH', url: '/api/v1/sensors/:id', tag: TAG, summary: 'Rename or move a sensor', roles: ADMIN_ONLY, params: idParams, body: p.sensorPatch,
    handler: async (ctx, { params, body }) => {
      const { before, after } = await updateSensor(ctx.db, ctx.auth.workspaceId, params.id, body);
      await ctx.audit({ action: 'sensor.update', entity: 'sensor', entityId: params.id, before, after });
      return after;
    },
  }),
  route({
    method: 'DELETE', url: '/api/v1/sensors/:id', tag: TAG, summary: 'Retire a sensor (revokes its token; counts stay)', roles: ADMIN_ONLY, params: idParams,
    handler: async (ctx, { params }) => {
      const { before, after } = await revokeSensor(ctx.db, ctx.auth.workspaceId, params.id);
      await ctx.audit({ action: 'sensor.revoke', entity: 'sensor', entityId: params.id, before, after });
      return after;
    },
  }),
  route({
    method: 'GET', url: '/api/v1/sensors/:id/counts', tag: TAG, summary: 'Hourly sighting counts of a sensor', roles: READ_ANY, params: idParams, query: p.countsQuery,
    handler: (ctx, { params, query }) => hourlyCounts(ctx.db, ctx.auth.workspaceId, params.id, query.from, query.to),
  }),
  route({
    method: 'POST', url: '/api/v1/sensors/:id/sightings', tag: TAG, summary: "Report sightings (the sensor's token or an API key)", roles: 'public',
    params: idParams, bodyLimit: 256 * 1024,
    handler: async (ctx, { params }): Promise<SightingsReport> => {
      const sensor = await sensorFor(ctx.engine, ctx.req, params.id);
      const parsed = p.sightingsBody.safeParse(ctx.req.body);
      const list = parsed.success ? sightingList(parsed.data) : null;
      if (!list) throw new ValidationError('Expected {"sightings": [{mac, rssi, seenAt}]} (at most 1000)', { sightings: ['Expected 1 to 1000 sightings'] });
      const report = await ingestSightings(ctx.engine, sensor, list);
      if (report.accepted === 0) {
        const fields: Record<string, string[]> = {};
        for (const r of report.rejected) fields[`sightings.${r.index}`] = [r.reason];
        throw new ValidationError('No sighting was accepted', fields);
      }
      return report;
    },
  }),

  route({
    method: 'POST', url: '/api/v1/contacts/:id/devices', tag: TAG, summary: "Register a customer's device with their consent", roles: WRITE_CUSTOMERS,
    params: idParams, body: p.deviceBody, status: 201,
    handler: async (ctx, { params, body }) => {
      const after = await registerDevice(ctx.db, ctx.auth.workspaceId, params.id, body);
      await ctx.audit({ action: 'device.register', entity: 'contact', entityId: params.id, after });
      return after;
    },
  }),
  route({
    method: 'GET', url: '/api/v1/contacts/:id/devices', tag: TAG, summary: "A customer's registered devices and consents", roles: READ_ANY, params: idParams,
    handler: async (ctx, { params }) => ({ items: await listDevices(ctx.db, ctx.auth.workspaceId, params.id) }),
  }),
  route({
    method: 'DELETE', url: '/api/v1/contacts/:id/devices/:deviceId', tag: TAG, summary: 'Withdraw consent: the device is no longer recognised', roles: WRITE_CUSTOMERS,
    params: p.deviceParams,
    handler: async (ctx, { params }) => {
      const { before, after } = await withdrawDevice(ctx.db, ctx.auth.workspaceId, params.id, params.deviceId);
      await ctx.audit({ action: 'device.withdraw', entity: 'contact', entityId: params.id, before, after });
      return after;
    },
  }),
]);
