import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../infra/ports.ts';
import { writePrivateFile } from './private-file.ts';

/** What keeps a folder's dev Postgres reachable at the same URL across restarts. */
export interface PostgresIdentity {
  port: number;
  password: string;
}

/** The password every dev stack used before each got its own; still found in older data folders. */
export const LEGACY_PASSWORD = 'weir';

export function postgresIdentityPath(home: string): string {
  return path.join(home, 'postgres.json');
}

export function readPostgresIdentity(home: string): PostgresIdentity | null {
  let text: string;
  try {
    text = readFileSync(postgresIdentityPath(home), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<PostgresIdentity>;
    if (Number.isInteger(parsed.port) && typeof parsed.password === 'string' && parsed.password !== '') return { port: parsed.port!, password: parsed.password };
  } catch {
    // A damaged file is replaced below, like a missing one.
  }
  return null;
}

/**
 * The folder's Postgres port and password, kept in `.weir/postgres.json` (mode 0600). Made on
 * first use: a free port and 24 random bytes, so no two machines share a password.
 */
export async function ensurePostgresIdentity(home: string): Promise<PostgresIdentity> {
  const known = readPostgresIdentity(home);
  if (known) return known;
  const identity = await newPostgresIdentity();
  savePostgresIdentity(home, identity);
  return identity;
}

export async function newPostgresIdentity(): Promise<PostgresIdentity> {
  return { port: await freePort(), password: randomBytes(24).toString('base64url') };
}

export function savePostgresIdentity(home: string, identity: PostgresIdentity): void {
  writePrivateFile(postgresIdentityPath(home), `${JSON.stringify(identity, null, 2)}\n`);
}
