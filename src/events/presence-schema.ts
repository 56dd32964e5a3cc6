import { z } from 'zod';
import { shortText } from '../contacts/schema.ts';

// Request shapes of stores, sensors, customers' devices and sightings.

const name = shortText(200).pipe(z.string().min(1, 'Required'));

export const storeBody = z.strictObject({ name, address: shortText(500).nullable().optional() });
export const storePatch = z
  .strictObject({ name: name.optional(), address: shortText(500).nullable().optional() })
  .refine((p) => p.name !== undefined || p.address !== undefined, 'Nothing to change');

export const sensorBody = z.strictObject({ storeId: z.uuid('Not a valid id'), name });
export const sensorPatch = z
  .strictObject({ storeId: z.uuid('Not a valid id').optional(), name: name.optional() })
  .refine((p) => p.name !== undefined || p.storeId !== undefined, 'Nothing to change');
export const sensorListQuery = z.strictObject({ storeId: z.uuid('Not a valid id').optional() });
export const countsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true, message: 'Expected an ISO 8601 date-time' }).optional(),
  to: z.iso.datetime({ offset: true, message: 'Expected an ISO 8601 date-time' }).optional(),
});

export const deviceBody = z.strictObject({
  mac: z.string().max(32, 'At most 32 characters'),
  label: shortText(100).nullable().optional(),
  /** The words the customer agreed to, kept verbatim as proof of consent. */
  consentText: z.string().trim().min(10, 'Record the consent text the customer agreed to').max(5000, 'At most 5000 characters'),
  consentSource: shortText(100).pipe(z.string().min(1)).default('api'),
  consentAt: z.iso.datetime({ offset: true, message: 'Expected an ISO 8601 date-time' }).optional(),
});
export const deviceParams = z.strictObject({ id: z.uuid('Not a valid id'), deviceId: z.uuid('Not a valid id') });

/** One sighting as a sensor reports it; checked one by one so a bad reading spares the rest. */
export const sighting = z.object({
  mac: z.string().max(32),
  rssi: z.number().int().min(-130).max(20).nullable().optional(),
  seenAt: z.iso.datetime({ offset: true, message: 'Expected an ISO 8601 date-time' }).optional(),
});
export const MAX_SIGHTINGS = 1000;
export const sightingsBody = z.union([
  z.strictObject({ sightings: z.array(z.unknown()).min(1, 'No sightings').max(MAX_SIGHTINGS, `At most ${MAX_SIGHTINGS} sightings`) }),
  z.array(z.unknown()).min(1, 'No sightings').max(MAX_SIGHTINGS, `At most ${MAX_SIGHTINGS} sightings`),
  z.object({ mac: z.unknown() }).passthrough(),
]);
