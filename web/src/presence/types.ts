// Shapes of the presence API (src/events/stores-sensors.ts) as the web app reads them.

export interface Store {
  id: string;
  name: string;
  address: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Sensor {
  id: string;
  storeId: string;
  name: string;
  tokenPrefix: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

export interface HourCount {
  hour: string;
  unknownSightings: number;
  knownSightings: number;
}
