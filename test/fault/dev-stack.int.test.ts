import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import type { StackFile } from '../../cli/stack-file.ts';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { freePort } from '../../infra/ports.ts';
import { testStack } from '../stack.ts';
import { REPO, STACK_LINE } from './outside.ts';

// DAG files inside the repository, so `import { dag } from 'weir'` resolves; the project (and its .weir/) in a temp folder.
const dags = path.join(REPO, 'test', '.tmp', `fault-dev-${process.pid}`, 'dags');
const folders: string[] = [path.dirname(dags)];
let dev: ChildProcess | undefined;

afterAll(async () => {
  if (dev?.pid !== undefined && dev.exitCode === null && dev.signalCode === null) process.kill(-dev.pid, 'SIGKILL');
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Running, and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Live processes of a process group, with their command lines, after a short grace for exits. */
async function groupMembers(pgid: number): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const members = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          if (fields[0] === 'Z' || Number(fields[2]) !== pgid) return [];
          return [`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`];
        } catch {
          return [];
        }
      });
    if (members.length === 0 || attempt >= 50) return members;
    await sleep(100);
  }
}

const mode = (file: string) => statSync(file).mode & 0o777;

describe('weir dev with a DAG file that exits at import', () => {
  it('starts, names the file, serves the others, keeps its credentials private, and leaves nothing running after Ctrl-C', async () => {
    await mkdir(dags, { recursive: true });
    await writeFile(path.join(dags, 'exits.ts'), 'process.exit(9);\n');
    await writeFile(path.join(dags, 'survivor.ts'), "import { dag } from 'weir';\nexport default dag({ id: 'fault_survivor' }).task('a', async () => 'alive');\n");
    const project = await mkdtemp(path.join(tmpdir(), 'weir-fault-dev-'));
    folders.push(project);
    // As root, Postgres runs as the postgres user, which must be able to enter the folder.
    await chmod(project, 0o755);

    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'weir.mjs'), '--dags', dags, 'dev', '--port', String(await freePort()), '--ui-port', String(await freePort())], {
      cwd: project,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', WEIR_TEMPORAL_BIN: testStack().temporalBin, WEIR_SHUTDOWN_GRACE: '1s' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    dev = child;
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (const started = Date.now(); !output.includes('Press Ctrl-C to stop.'); await sleep(100)) {
      if (child.exitCode !== null) throw new Error(`weir dev exited early:\n${output}`);
      if (Date.now() - started > 150_000) throw new Error(`weir dev did not start:\n${output}`);
    }

    expect(output).toContain('exits.ts: exited with code 9 while it was imported');
    expect(output).not.toMatch(STACK_LINE);

    // Local files with credentials are for their owner only, and the password is this project's own.
    const home = path.join(project, '.weir');
    const stack = JSON.parse(readFileSync(path.join(home, 'stack.json'), 'utf8')) as StackFile;
    expect(mode(path.join(home, 'stack.json'))).toBe(0o600);
    expect(mode(path.join(home, 'postgres.json'))).toBe(0o600);
    const password = decodeURIComponent(new URL(stack.databaseUrl).password);
    expect(password).not.toBe('weir');
    expect(password.length).toBeGreaterThanOrEqual(24);

    // The DAG beside the broken file runs.
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const runId = await triggerRun(client, { dagId: 'fault_survivor', params: {}, taskQueue: 'weir' });
    expect((await waitForRun(client, runId, () => {}, 200)).status).toBe('success');
    await connection.close();

    const temporalPid = (JSON.parse(readFileSync(path.join(home, 'dev-processes.json'), 'utf8')) as { temporal: { pid: number } }).temporal.pid;
    const postgresPid = Number(readFileSync(path.join(home, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect([alive(temporalPid), alive(postgresPid)]).toEqual([true, true]);

    child.kill('SIGINT');
    expect(await exited, output).toBe(0);
    // Ctrl-C stops what weir dev started: no Temporal, no Postgres, nothing left in its process group.
    for (const started = Date.now(); (alive(temporalPid) || alive(postgresPid)) && Date.now() - started < 15_000; ) await sleep(100);
    expect([alive(temporalPid), alive(postgresPid)]).toEqual([false, false]);
    expect(await groupMembers(child.pid as number), 'processes left in weir dev\'s process group').toEqual([]);
  }, 180_000);
});
