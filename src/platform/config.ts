import { z } from 'zod';

// Every setting comes from the environment so one build runs embedded or against a server.
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  RAPPORT_ADMIN_EMAIL: z.string().email().optional(),
  RAPPORT_ADMIN_PASSWORD: z.string().min(10).optional(),
  RAPPORT_API_KEY: z.string().min(24).optional(),
  RAPPORT_WORKSPACE_NAME: z.string().default('My company'),
  // Presence sensors publish sightings to this broker (e.g. mqtt://127.0.0.1:1883); unset: no MQTT.
  MQTT_URL: z.string().url().optional(),
  // Cookies marked Secure only when served over https (behind a proxy in production).
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export type Config = z.infer<typeof EnvSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set" (shells and CI often export VAR= to clear one).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
