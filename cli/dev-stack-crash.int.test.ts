import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { triggerRun } from '../control/runs.ts';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.ts';
import { freePort } from '../infra/ports.ts';
import { PostgresFolderAccessError } from '../infra/postgres-access.ts';
import { devServerPids, expectPrivateDevCredentials, processRuns, startWeirDev, type DevProcess } from '../test/dev-process.ts';
import type { StackFile } from './stack-file.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const DAGS = path.join(REPO, 'cli', 'fixtures', 'crash-dags');

function startDev(cwd: string, port: number, uiPort: number): DevProcess {
  return startWeirDev({ dagsDir: DAGS, cwd, port, uiPort });
}

async function until(check: () => boolean, what: string, timeoutMs = 180_000): Promise<void> {
  for (const started = Date.now(); !check(); await sleep(100)) {
    if (Date.now() - started > timeoutMs) throw new Error(`gave up waiting for ${what}`);
  }
}

const mode = (file: string) => statSync(file).mode & 0o777;
const folders: string[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('weir dev after a crash', () => {
  it('stops what a killed weir dev left running, then starts on the same Postgres URL', async () => {
    const project = await mkdtemp(path.join(tmpdir(), 'weir-dev-crash-'));
    folders.push(project);
    // As root, Postgres runs as the postgres user, which must be able to enter the folder.
    await chmod(project, 0o755);
    const home = path.join(project, '.weir');
    const [port, uiPort] = [await freePort(), await freePort()];

    const first = startDev(project, port, uiPort);
    children.push(first.child);
    await first.ready();
    const stack = expectPrivateDevCredentials(home);
    const password = decodeURIComponent(new URL(stack.databaseUrl).password);
    expect(JSON.parse(readFileSync(path.join(home, 'postgres.json'), 'utf8'))).toEqual({ port: Number(new URL(stack.databaseUrl).port), password });

    const connection = await Connection.connect({ address: stack.temporalAddress });
    const runId = await triggerRun(new Client({ connection }), { dagId: 'crash_job', params: {}, taskQueue: 'weir' });
    await connection.close();
    const jobsDir = path.join(home, 'training-jobs');
    await until(() => existsSync(jobsDir) && readdirSync(jobsDir).some((name) => name.endsWith('.pid.json')), 'the training job to start');
    const jobFile = readdirSync(jobsDir).find((name) => name.endsWith('.pid.json')) ?? '';
    const jobPid = (JSON.parse(readFileSync(path.join(jobsDir, jobFile), 'utf8')) as { pid: number }).pid;
    const { temporal: temporalPid, postgres: postgresPid } = devServerPids(home);

    first.child.kill('SIGKILL');
    await first.exited;
    // What a power cut or kill -9 leaves behind.
    expect([processRuns(temporalPid), processRuns(postgresPid), processRuns(jobPid)]).toEqual([true, true, true]);

    const second = startDev(project, port, uiPort);
    children.push(second.child);
    await second.ready();
    expect(second.output()).toContain(`stopped the Temporal server (pid ${temporalPid}) left running by an earlier weir dev`);
    expect(second.output()).toContain(`stopped the Postgres server (pid ${postgresPid}) left running by an earlier weir dev`);
    expect(second.output()).toMatch(new RegExp(`stopped training job \\S+ \\(process group ${jobPid}\\)`));
    expect([processRuns(temporalPid), processRuns(postgresPid), processRuns(jobPid)]).toEqual([false, false, false]);
    const restarted = JSON.parse(readFileSync(path.join(home, 'stack.json'), 'utf8')) as StackFile;
    // Same port and password: a DATABASE_URL copied from the first start still works.
    expect(restarted.databaseUrl).toBe(stack.databaseUrl);
    expect(mode(path.join(home, 'stack.json'))).toBe(0o600);

    const again = await Connection.connect({ address: restarted.temporalAddress });
    await new Client({ connection: again }).workflow.getHandle(runId).terminate('test over');
    await again.close();
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});

describe.runIf(process.getuid?.() === 0)('a folder the postgres user cannot enter (as root)', () => {
  it('gets one line saying what to do, from the Postgres start and from weir dev', async () => {
    const locked = await mkdtemp(path.join(tmpdir(), 'weir-locked-'));
    folders.push(locked);
    await chmod(locked, 0o700);
    const project = path.join(locked, 'project');
    await mkdir(project, { mode: 0o755 });

    const error = await startEmbeddedPostgres({ dataDir: path.join(project, '.weir', 'postgres') }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(PostgresFolderAccessError);
    expect((error as Error).message).toContain(`cannot enter ${locked} (mode 0700)`);
    expect((error as Error).message).toContain(`chmod o+x ${locked}`);

    const dev = startDev(project, await freePort(), await freePort());
    children.push(dev.child);
    expect(await dev.exited).toBe(1);
    const lines = dev.output().split('\n').filter((line) => line.startsWith('weir: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot enter ${locked} (mode 0700)`);
    expect(dev.output()).not.toContain('EACCES');
    expect(dev.output()).not.toMatch(/^\s+at /m);
  });
});
