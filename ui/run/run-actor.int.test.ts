import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunRecord } from '../../control/run-history.ts';
import { getRunSnapshot, triggerRun, waitForRun } from '../../control/runs.ts';
import { startTestWorker, type TestWorker } from '../../test/harness.ts';
import { testStack } from '../../test/stack.ts';
import { reloadingCatalog } from '../catalog.ts';
import { startUiServer, type UiServer } from '../server.ts';
import { csrfTokenOf, http } from '../test-support.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, so `import { dag } from 'weir'` resolves as it does for users.
const root = path.join(REPO, 'test', '.tmp', `run-actor-${process.pid}`);
const dagsDir = path.join(root, 'dags');
const marker = path.join(root, 'marker');
const ACTOR = 'ada';

const CHAIN = `import { dag } from 'weir';
export default dag({ id: 'actor_chain' })
  .task('a', async () => 1)
  .task('b', { needs: ['a'] }, async () => 2);
`;
// The same DAG after an edit: b no longer needs a, and a task c joins both.
const CHAIN_EDITED = `import { dag } from 'weir';
export default dag({ id: 'actor_chain' })
  .task('a', async () => 1)
  .task('b', async () => 2)
  .task('c', { needs: ['a', 'b'] }, async () => 3);
`;
const FLAKY = `import { existsSync } from 'node:fs';
import { dag, NonRetryableError } from 'weir';
import { z } from 'zod';
export default dag({ id: 'actor_flaky', params: z.object({ marker: z.string() }) })
  .task('extract', async () => 41)
  .task('fragile', { needs: ['extract'] }, async (ctx) => {
    if (!existsSync(ctx.params.marker)) throw new NonRetryableError('marker missing');
    return ctx.outputs.extract + 1;
  })
  .task('load', { needs: ['fragile'] }, async (ctx) => ctx.outputs.fragile);
`;
const FLAKY_OPEN = FLAKY.replace("id: 'actor_flaky'", "id: 'actor_flaky_open', clearWindow: '10m'");
const APPROVAL = `import { dag } from 'weir';
export default dag({ id: 'actor_approval' })
  .task('prepare', async () => 'v7')
  .approval('sign_off', { needs: ['prepare'], timeout: '1h' })
  .task('publish', { needs: ['sign_off'] }, async (ctx) => ctx.outputs.sign_off.actor);
`;

let worker: TestWorker;
let server: UiServer;

beforeAll(async () => {
  await mkdir(dagsDir, { recursive: true });
  await Promise.all([
    writeFile(path.join(dagsDir, 'actor_chain.ts'), CHAIN),
    writeFile(path.join(dagsDir, 'actor_flaky.ts'), FLAKY),
    writeFile(path.join(dagsDir, 'actor_flaky_open.ts'), FLAKY_OPEN),
    writeFile(path.join(dagsDir, 'actor_approval.ts'), APPROVAL),
  ]);
  worker = await startTestWorker({ dagsDir });
  server = await startUiServer(
    {
      client: worker.client,
      db: worker.db,
      taskQueue: worker.taskQueue,
      namespace: 'default',
      // Reloaded on every request, so the pages see the edit of a DAG file at once.
      catalog: reloadingCatalog(dagsDir, 0),
      temporalUiUrl: testStack().temporalUiUrl,
      auth: { actor: ACTOR },
    },
    { port: 0, logError: (error) => console.error(error) },
  );
});

afterAll(async () => {
  await server?.close();
  await worker?.shutdown();
  await rm(root, { recursive: true, force: true });
});

const url = (route: string) => new URL(route, server.url).href;

async function page(route: string): Promise<string> {
  const reply = await http(url(route));
  expect(reply.status, reply.body.slice(0, 500)).toBe(200);
  return reply.body;
}

/** A form post as the page's script sends it: CSRF header from a page, JSON answer. */
async function post(route: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const token = csrfTokenOf(await page('/'));
  const reply = await http(url(route), { headers: { 'x-weir-csrf': token, accept: 'application/json' }, form });
  expect(reply.status, reply.body.slice(0, 500)).toBe(200);
  return JSON.parse(reply.body) as Record<string, unknown>;
}

async function startIdentity(runId: string): Promise<string | null | undefined> {
  const history = await worker.client.workflow.getHandle(runId).fetchHistory();
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.identity;
}

async function untilClosed(runId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await worker.client.workflow.getHandle(runId).describe()).status.name !== 'RUNNING') return;
    await sleep(100);
  }
  throw new Error(`run ${runId} did not close`);
}

async function untilTaskRuns(runId: string, taskId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const snapshot = await getRunSnapshot(worker.client, runId).catch(() => null);
    if (snapshot?.tasks.find((task) => task.id === taskId)?.state === 'running') return;
    await sleep(100);
  }
  throw new Error(`task ${taskId} of run ${runId} never ran`);
}

/** The rows of the run page's action log: [action, who, what]. */
function actionRows(body: string): [string, string, string][] {
  const rows = [...body.matchAll(/<tr class="action action-(\w+)"[^>]*>\s*<td[^>]*>[^<]*<\/td><td class="actor">([^<]*)<\/td><td class="what">(.*?)<\/td><\/tr>/gs)];
  return rows.map((match) => [match[1] ?? '', match[2] ?? '', match[3] ?? '']);
}

describe('who acted, from the web view', () => {
  it('records who triggered a run, and its page draws the plan it recorded after the DAG file changed', { timeout: 180_000 }, async () => {
    const { runId } = (await post('/api/dags/actor_chain/trigger', {})) as { runId: string };
    expect((await waitForRun(worker.client, runId)).status).toBe('success');
    const described = await worker.client.workflow.getHandle(runId).describe();
    expect(described.memo?.weirTriggeredBy).toBe(ACTOR);
    expect(await startIdentity(runId)).toBe(`${ACTOR} via weir ui`);

    await writeFile(path.join(dagsDir, 'actor_chain.ts'), CHAIN_EDITED);
    // The DAG page shows the file as it is now: three tasks, c after a and b.
    const dagPage = await page('/dags/actor_chain');
    expect(dagPage).toContain('data-task-id="c"');
    expect(dagPage).toContain('data-from="b" data-to="c"');

    // The run page draws the run as it ran: a then b, no c.
    const runPage = await page(`/runs/${runId}`);
    expect(runPage).toContain('id="run-graph" data-plan-source="recorded"');
    const graph = runPage.slice(runPage.indexOf('id="run-graph"'), runPage.indexOf('</svg>', runPage.indexOf('id="run-graph"')));
    expect(graph).toContain('data-from="a" data-to="b"');
    expect(graph).not.toContain('data-task-id="c"');
    expect(runPage).toContain('<p class="muted small plan-note" data-plan-source="recorded">The DAG file has changed since this run started');
    expect(runPage).toContain(`triggered by ${ACTOR} (web view)`);
    expect(actionRows(runPage)).toEqual([]);
    expect(runPage).toContain('Nobody has cleared, approved, rejected or cancelled anything in this run.');
  });

  it('a clear of a closed run starts a rerun that records who cleared, on both runs', { timeout: 240_000 }, async () => {
    await rm(marker, { force: true });
    const originalId = await triggerRun(worker.client, { dagId: 'actor_flaky', params: { marker }, taskQueue: worker.taskQueue });
    await untilClosed(originalId);
    expect((await getRunSnapshot(worker.client, originalId)).status).toBe('failed');
    await writeFile(marker, 'ok');

    const { runId: rerunId } = (await post(`/api/runs/${originalId}/clear`, { taskId: 'fragile' })) as { runId: string };
    expect(rerunId).not.toBe(originalId);
    expect((await waitForRun(worker.client, rerunId)).status).toBe('success');
    const memo = (await worker.client.workflow.getHandle(rerunId).describe()).memo;
    expect(memo).toMatchObject({ weirTriggeredBy: ACTOR, weirRerunOf: originalId, weirRerunTask: 'fragile' });
    expect(await startIdentity(rerunId)).toBe(`${ACTOR} via weir ui`);
    const record = await readRunRecord(worker.client, rerunId);
    expect(record.triggeredBy).toMatchObject({ actor: ACTOR, channel: 'ui' });
    expect(record.rerunOf).toEqual({ runId: originalId, taskId: 'fragile' });

    const rerunPage = await page(`/runs/${rerunId}`);
    expect(rerunPage).toContain(`started by ${ACTOR} (web view) as a rerun of <a href="/runs/${encodeURIComponent(originalId)}">${originalId}</a> (cleared fragile)`);
    // The original run's log names the clear made after it closed, and links the rerun.
    const rows = actionRows(await page(`/runs/${originalId}`));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.slice(0, 2)).toEqual(['rerun', ACTOR]);
    expect(rows[0]?.[2]).toContain(`cleared task fragile after the run closed: started rerun ${rerunId}`);
  });

  it('a decision, a clear in place and a cancel land in the action log with who did them', { timeout: 240_000 }, async () => {
    const approvedId = await triggerRun(worker.client, { dagId: 'actor_approval', params: {}, taskQueue: worker.taskQueue });
    await untilTaskRuns(approvedId, 'sign_off');
    await post(`/api/runs/${approvedId}/approve`, { taskId: 'sign_off', decision: 'approve', comment: 'metrics look fine' });
    expect((await waitForRun(worker.client, approvedId)).status).toBe('success');
    expect(actionRows(await page(`/runs/${approvedId}`))).toEqual([['approve', `${ACTOR} (web view)`, 'approved sign_off: &quot;metrics look fine&quot;']]);

    const openMarker = `${marker}-open`;
    const clearedId = await triggerRun(worker.client, { dagId: 'actor_flaky_open', params: { marker: openMarker }, taskQueue: worker.taskQueue });
    // A failed run stays open in its clear window: the clear runs in place.
    expect((await waitForRun(worker.client, clearedId)).status).toBe('failed');
    await writeFile(openMarker, 'ok');
    await post(`/api/runs/${clearedId}/clear`, { taskId: 'fragile' });
    expect((await waitForRun(worker.client, clearedId)).status).toBe('success');
    expect(actionRows(await page(`/runs/${clearedId}`))).toEqual([['clear', `${ACTOR} (web view)`, 'cleared task fragile (reset fragile, load)']]);

    const cancelledId = await triggerRun(worker.client, { dagId: 'actor_approval', params: {}, taskQueue: worker.taskQueue });
    await untilTaskRuns(cancelledId, 'sign_off');
    await post(`/api/runs/${cancelledId}/cancel`, {});
    const rows = actionRows(await page(`/runs/${cancelledId}`));
    expect(rows.map(([action, who]) => [action, who])).toEqual([['cancel', `${ACTOR} (web view)`]]);
  });
});

describe('who acted, for a schedule', () => {
  it('names the schedule that started a run', { timeout: 180_000 }, async () => {
    const scheduleId = `weir-actor_chain-${process.pid}`;
    const handle = await worker.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '365 days' }] },
      action: { type: 'startWorkflow', workflowType: 'actor_chain', workflowId: `actor_chain-scheduled-${process.pid}`, taskQueue: worker.taskQueue, args: [{}, { runType: 'scheduled' }] },
      state: { paused: true },
    });
    try {
      await handle.trigger();
      let runId: string | undefined;
      for (let i = 0; i < 300 && !runId; i++) {
        runId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
        if (!runId) await sleep(100);
      }
      if (!runId) throw new Error('the schedule started no run');
      await waitForRun(worker.client, runId);
      const record = await readRunRecord(worker.client, runId);
      expect(record.triggeredBy).toMatchObject({ actor: `schedule ${scheduleId}`, schedule: scheduleId });
      expect(await page(`/runs/${encodeURIComponent(runId)}`)).toContain(`triggered by schedule ${scheduleId}`);
    } finally {
      await handle.delete();
    }
  });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `weir` command against the shared test stack and this file's worker. */
function weir(env: Record<string, string>, ...argv: string[]): Promise<CliResult> {
  const { temporalAddress, databaseUrl } = testStack();
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: worker.taskQueue };
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO, 'bin', 'weir.mjs'), '--dags', dagsDir, ...argv], { cwd: REPO, env: { ...base, ...env }, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('who acted, from the CLI', () => {
  it('records the CLI actor of a trigger and a decision, and runs show prints them', { timeout: 240_000 }, async () => {
    const triggered = await weir({ USER: 'carol' }, 'trigger', 'actor_approval', '--json');
    expect(triggered.code, triggered.stderr).toBe(0);
    const { runId } = JSON.parse(triggered.stdout) as { runId: string };
    expect((await worker.client.workflow.getHandle(runId).describe()).memo?.weirTriggeredBy).toBe('carol');
    expect(await startIdentity(runId)).toBe('carol via weir cli');

    await untilTaskRuns(runId, 'sign_off');
    // --as names the actor over WEIR_ACTOR and $USER.
    const approved = await weir({ USER: 'carol', WEIR_ACTOR: 'erin' }, '--as', 'dave', 'approve', runId, 'sign_off', '--comment', 'ok');
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toBe(`approved task sign_off of run ${runId} as dave\n`);
    await waitForRun(worker.client, runId);

    const shown = await weir({ USER: 'carol' }, 'runs', 'show', runId);
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(lines).toContain('triggered by carol (CLI)');
    expect(lines).toContain('actions:');
    expect(lines.find((line) => line.includes('dave (CLI)'))).toMatch(/^\d{4}-\d\d-\d\dT[\d:]+Z\s+dave \(CLI\)\s+approved sign_off: "ok"$/);

    const json = await weir({ USER: 'carol' }, 'runs', 'show', runId, '--json');
    const shownJson = JSON.parse(json.stdout) as Record<string, unknown>;
    // Fields are only added: the old ones are all still there.
    expect(Object.keys(shownJson)).toEqual(expect.arrayContaining(['runId', 'dagId', 'status', 'runType', 'logicalDate', 'startedAt', 'endedAt', 'params', 'tasks', 'reruns']));
    expect(shownJson.triggeredBy).toMatchObject({ actor: 'carol', channel: 'cli', identity: 'carol via weir cli' });
    expect(shownJson.executions).toBe(1);
    expect(shownJson.actions).toEqual([expect.objectContaining({ action: 'approve', actor: 'dave', channel: 'cli', taskId: 'sign_off', detail: 'ok', execution: 1 })]);
  });
});
