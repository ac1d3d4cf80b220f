import { describe, expect, it } from 'vitest';
import { renderGrid } from './grid-html.ts';
import { buildGrid, type GridRun } from './grid-model.ts';

const run = (runId: string, startedAt: string): GridRun => ({ runId, status: 'failed', logicalDate: startedAt, startedAt });

describe('renderGrid', () => {
  it('draws a row per task with one link per run to the run page with the task selected, coloured by state', async () => {
    const grid = buildGrid(
      [{ id: 'load', kind: 'task' }, { id: 'each', kind: 'map' }],
      [run('r/1', '2026-01-01T00:00:00Z'), run('r2', '2026-01-02T00:00:00Z')],
      [
        { runId: 'r/1', taskId: 'load', mapIndex: -1, state: 'success' },
        { runId: 'r2', taskId: 'load', mapIndex: -1, state: 'failed' },
        { runId: 'r2', taskId: 'each', mapIndex: -1, state: 'running' },
        { runId: 'r2', taskId: 'each', mapIndex: 0, state: 'success' },
        { runId: 'r2', taskId: 'each', mapIndex: 1, state: 'running' },
      ],
    );
    const out = String(await renderGrid(grid));
    expect(out).toContain('<tr data-task-id="load"><th class="task-name kind-task">load</th><td class="cells"><a class="cell state-success" href="/runs/r%2F1?task=load"></a><a class="cell state-failed" href="/runs/r2?task=load"></a></td></tr>');
    expect(out).toContain('<a class="cell state-none" href="/runs/r%2F1?task=each"></a><a class="cell state-running" href="/runs/r2?task=each">2</a>');
    expect(out.match(/class="run-square state-failed"/g)).toHaveLength(2);
    expect(out).toContain('title="r/1: failed, logical date 2026-01-01 00:00 UTC" data-run-id="r/1"');
  });

  it('escapes task and run ids wherever they appear', async () => {
    const grid = buildGrid([{ id: 'a<b>&"c', kind: 'task' }], [run('<run>', '2026-01-01T00:00:00Z')], []);
    const out = String(await renderGrid(grid));
    expect(out).not.toContain('<b>');
    expect(out).not.toContain('<run>');
    expect(out).toContain('data-task-id="a&lt;b&gt;&amp;&quot;c"');
    expect(out).toContain('data-run-id="&lt;run&gt;"');
    expect(out).toContain('href="/runs/%3Crun%3E?task=a%3Cb%3E%26%22c"');
  });

  it('says so when the DAG has no runs yet', async () => {
    expect(String(await renderGrid({ runs: [], rows: [] }))).toContain('No runs recorded yet');
  });
});
