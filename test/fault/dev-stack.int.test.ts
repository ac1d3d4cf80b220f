import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { freePort } from '../../infra/ports.ts';
import { devServerPids, expectPrivateDevCredentials, processRuns, startWeirDev } from '../dev-process.ts';
import { REPO, STACK_LINE } from './outside.ts';

// DAG files inside the repository, so `import { dag } from 'weir'` resolves; the project (and its .weir/) in a temp folder.
const dags = path.join(REPO, 'test', '.tmp', `fault-dev-${process.pid}`, 'dags');
const folders: string[] = [path.dirname(dags)];
let devChild: ChildProcess | undefined;

afterAll(async () => {
  if (devChild?.pid !== undefined && devChild.exitCode === null && devChild.signalCode === null) process.kill(-devChild.pid, 'SIGKILL');
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

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

describe('weir dev with a DAG file that exits at import', () => {
  it('starts, names the file, serves the others, keeps its credentials private, and leaves nothing running after Ctrl-C', async () => {
    await mkdir(dags, { recursive: true });
    await writeFile(path.join(dags, 'exits.ts'), 'process.exit(9);\n');
    await writeFile(path.join(dags, 'survivor.ts'), "import { dag } from 'weir';\nexport default dag({ id: 'fault_survivor' }).task('a', async () => 'alive');\n");
    const project = await mkdtemp(path.join(tmpdir(), 'weir-fault-dev-'));
    folders.push(project);
    // As root, Postgres runs as the postgres user, which must be able to enter the folder.
    await chmod(project, 0o755);

    const dev = startWeirDev({ dagsDir: dags, cwd: project, port: await freePort(), uiPort: await freePort(), detached: true });
    const child = dev.child;
    devChild = child;
    await dev.ready(150_000);
    const output = dev.output();

    expect(output).toContain('exits.ts: exited with code 9 while it was imported');
    expect(output).not.toMatch(STACK_LINE);

    // Local files with credentials are for their owner only, and the password is this project's own.
    const home = path.join(project, '.weir');
    const stack = expectPrivateDevCredentials(home);

    // The DAG beside the broken file runs.
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const runId = await triggerRun(client, { dagId: 'fault_survivor', params: {}, taskQueue: 'weir' });
    expect((await waitForRun(client, runId, () => {}, 200)).status).toBe('success');
    await connection.close();

    const { temporal: temporalPid, postgres: postgresPid } = devServerPids(home);
    expect([processRuns(temporalPid), processRuns(postgresPid)]).toEqual([true, true]);

    child.kill('SIGINT');
    expect(await dev.exited, dev.output()).toBe(0);
    // Ctrl-C stops what weir dev started: no Temporal, no Postgres, nothing left in its process group.
    for (const started = Date.now(); (processRuns(temporalPid) || processRuns(postgresPid)) && Date.now() - started < 15_000; ) await sleep(100);
    expect([processRuns(temporalPid), processRuns(postgresPid)]).toEqual([false, false]);
    expect(await groupMembers(child.pid as number), 'processes left in weir dev\'s process group').toEqual([]);
  }, 180_000);
});
