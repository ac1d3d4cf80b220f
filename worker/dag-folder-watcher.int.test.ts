import { mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunSnapshot, triggerRun, waitForRun } from '../control/runs.ts';
import { scheduleIdFor } from '../control/schedules.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { watchDagFolder, type DagFolderWatcher } from './dag-folder-watcher.ts';

// Inside the repository, so `import { dag } from 'weir'` resolves as it does for users.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', '.tmp', `hot-reload-${process.pid}`);
const dir = path.join(root, 'dags');
const lines: string[] = [];
let worker: TestWorker;
let watcher: DagFolderWatcher;

const dagFile = (id: string, body: string, extra = '') => `import { dag } from 'weir';\nexport default dag({ id: '${id}'${extra} }).task('work', async () => { ${body} });\n`;

/** Waits for the watcher's log to show a line; the reload is asynchronous by nature. */
async function logShows(pattern: RegExp): Promise<void> {
  for (let i = 0; i < 600 && !lines.some((line) => pattern.test(line)); i++) await sleep(100);
  expect(lines).toContainEqual(expect.stringMatching(pattern));
}

async function run(dagId: string) {
  const runId = await triggerRun(worker.client, { dagId, params: {}, taskQueue: worker.taskQueue });
  await waitForRun(worker.client, runId, () => {}, 200);
  return getRunSnapshot(worker.client, runId);
}

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'hot_a.ts'), dagFile('hot_a', "return 'first';"));
  // A broken file from the start: the others load, and schedules of unloaded DAGs are never deleted.
  await writeFile(path.join(dir, 'hot_broken.ts'), "throw new Error('not configured');\n");
  worker = await startTestWorker({ dagsDir: dir });
  watcher = watchDagFolder({ dagsDir: dir, registry: worker.registry, initial: worker.catalog, scheduleClient: worker.client, taskQueue: worker.taskQueue, log: (line) => lines.push(line) });
});
afterAll(async () => {
  watcher?.close();
  await worker?.client.schedule.getHandle(scheduleIdFor('hot_b', worker.taskQueue)).delete().catch(() => {});
  await worker?.shutdown();
  await rm(root, { recursive: true, force: true });
});

describe('hot reload of the DAGs folder in a running worker', () => {
  it('serves an added DAG and creates its schedule', async () => {
    expect(worker.registry.ids()).toEqual(['hot_a']);
    await writeFile(path.join(dir, 'hot_b.ts'), dagFile('hot_b', "return 'b';", ", schedule: '0 3 * * *'"));
    await logShows(/^dags: added hot_b \(hot_b\.ts\)$/);
    expect(worker.registry.ids()).toEqual(['hot_a', 'hot_b']);
    expect((await run('hot_b')).status).toBe('success');
    await logShows(/^schedules: created hot_b$/);
    const described = await worker.client.schedule.getHandle(scheduleIdFor('hot_b', worker.taskQueue)).describe();
    expect(described.spec.calendars?.length).toBe(1);
  });

  it('runs the edited task body of a changed DAG', async () => {
    expect((await run('hot_a')).status).toBe('success');
    await writeFile(path.join(dir, 'hot_a.ts'), dagFile('hot_a', "throw new Error('edited body runs');"));
    await logShows(/^dags: changed hot_a \(hot_a\.ts\)$/);
    const snapshot = await run('hot_a');
    expect(snapshot.status).toBe('failed');
    expect(snapshot.tasks.find((task) => task.id === 'work')?.error).toMatch(/edited body runs/);
  });

  it('prints a broken file in full and keeps serving the other DAGs', async () => {
    await writeFile(path.join(dir, 'hot_c.ts'), "import { dag } from 'weir';\nexport default dag({ id: 'hot_c' }).task('work', async () => {;\n");
    await logShows(/^DAG problem: hot_c\.ts: syntax error: /);
    // Known since the start, so not printed again on each reload.
    expect(lines.filter((line) => line.includes('hot_broken.ts'))).toEqual([]);
    expect(worker.registry.ids()).toEqual(['hot_a', 'hot_b']);
    expect((await run('hot_b')).status).toBe('success');
  });

  it('forgets a deleted DAG: a run of it fails at once, naming the reason', async () => {
    await unlink(path.join(dir, 'hot_b.ts'));
    await logShows(/^dags: removed hot_b$/);
    expect(worker.registry.ids()).toEqual(['hot_a']);
    const runId = await triggerRun(worker.client, { dagId: 'hot_b', params: {}, taskQueue: worker.taskQueue });
    const failure = await worker.client.workflow.getHandle(runId).result().then(
      () => null,
      (error: Error) => error,
    );
    expect(String((failure?.cause as Error | undefined)?.message ?? failure?.message)).toMatch(/This worker has no DAG "hot_b"/);
    expect((await getRunSnapshot(worker.client, runId)).status).toBe('failed');
  });
});
