import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes: guessing is hopeless, so a fast hash (not argon2) is enough to store them. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
