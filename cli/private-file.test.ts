import { mkdtemp, readdir, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePostgresIdentity, postgresIdentityPath, readPostgresIdentity } from './postgres-identity.ts';
import { writePrivateFile } from './private-file.ts';
import { stackFilePath, writeStackFile } from './stack-file.ts';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'weir-private-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('files that hold credentials', () => {
  it('are written with mode 0600 even over a world-readable file, whatever the umask', async () => {
    const file = path.join(folder, 'secret.json');
    await writeFile(file, 'old');
    await chmod(file, 0o644);
    const previous = process.umask(0o000);
    try {
      writePrivateFile(file, 'new');
    } finally {
      process.umask(previous);
    }
    expect(await modeOf(file)).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe('new');
    // Nothing half-written is left beside it.
    expect(await readdir(folder)).toEqual(['secret.json']);
  });

  it('stack.json is one of them', async () => {
    writeStackFile(folder, { temporalAddress: '127.0.0.1:7233', uiUrl: 'http://localhost:8233', databaseUrl: 'postgres://postgres:pw@127.0.0.1:5432/weir', pid: process.pid });
    expect(await modeOf(stackFilePath(folder))).toBe(0o600);
  });
});

describe('the Postgres identity of a folder', () => {
  it('is made once with a random password, then kept', async () => {
    const home = path.join(folder, '.weir');
    const first = await ensurePostgresIdentity(home);
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await ensurePostgresIdentity(home)).toEqual(first);
    expect(readPostgresIdentity(home)).toEqual(first);
    expect(await modeOf(postgresIdentityPath(home))).toBe(0o600);
    // Another folder gets another password.
    expect((await ensurePostgresIdentity(path.join(folder, 'other', '.weir'))).password).not.toBe(first.password);
  });
});
