import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

describe('embedded Postgres passwords', () => {
  it('moves a cluster made with the old fixed password to its own password, on the same port', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'weir-pg-password-'));
    await chmod(dir, 0o755);
    const dataDir = path.join(dir, 'postgres');
    const old = await startEmbeddedPostgres({ dataDir });
    expect(decodeURIComponent(new URL(old.databaseUrl).password)).toBe('weir');
    await old.stop();

    const password = 'a/new:pass@word';
    const server = await startEmbeddedPostgres({ dataDir, port: old.port, password, currentPassword: 'weir' });
    try {
      expect(server.port).toBe(old.port);
      expect(decodeURIComponent(new URL(server.databaseUrl).password)).toBe(password);
      expect(await canConnect(server.databaseUrl)).toBe(true);
      expect(await canConnect(old.databaseUrl)).toBe(false);
    } finally {
      await server.stop();
    }
  });
});
