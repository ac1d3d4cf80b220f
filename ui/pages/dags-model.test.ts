import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../control/runs.ts';
import type { Plan } from '../../plan/types.ts';
import type { UiDagCatalog } from '../deps.ts';
import { buildDagsPageModel, RECENT_RUNS } from './dags-model.ts';

function plan(dagId: string, schedule?: string): Plan {
  return {
    planVersion: 1,
    dagId,
    file: `${dagId}.ts`,
    clearWindowMs: 0,
    tasks: [],
    ...(schedule ? { schedule: { cron: '0 0 * * *', source: schedule, timezone: 'UTC', catchup: false, maxActiveRuns: 1 } } : {}),
  };
}

function catalogOf(plans: Plan[], problems: UiDagCatalog['problems'] = []): UiDagCatalog {
  return { dags: new Map(plans.map((p) => [p.dagId, { plan: p, file: `/dags/${p.file}` }])), problems, files: [] };
}

function run(runId: string, startedAt: string, status: RunSummary['status'] = 'success'): RunSummary {
  return { runId, dagId: 'd', runType: 'manual', status, logicalDate: null, startedAt, endedAt: null, durationMs: null };
}

describe('buildDagsPageModel', () => {
  it('tells active, paused, unsynced and manual-only DAGs apart; only an active one has a next run', () => {
    const next = new Date('2026-12-01T00:00:00Z');
    const model = buildDagsPageModel(
      catalogOf([plan('active', '@daily'), plan('paused', '@daily'), plan('unsynced', '@daily'), plan('manual')]),
      new Map([
        ['active', { paused: false, nextRunTimes: [next] }],
        ['paused', { paused: true, nextRunTimes: [next] }],
      ]),
      new Map(),
    );
    expect(model.dags.map((row) => [row.dagId, row.scheduleState, row.nextRun])).toEqual([
      ['active', 'active', '2026-12-01T00:00:00.000Z'],
      ['manual', 'none', null],
      ['paused', 'paused', null],
      ['unsynced', 'unsynced', null],
    ]);
  });

  it(`keeps the newest ${RECENT_RUNS} runs, oldest first`, () => {
    const runs = Array.from({ length: 30 }, (_, i) => run(`r${i}`, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), i % 7 === 0 ? 'failed' : 'success')).reverse();
    const [row] = buildDagsPageModel(catalogOf([plan('d')]), new Map(), new Map([['d', runs]])).dags;
    expect(row?.recentRuns.map((r) => r.runId)).toEqual(Array.from({ length: 25 }, (_, i) => `r${i + 5}`));
    expect(row?.recentRuns.find((r) => r.runId === 'r7')?.status).toBe('failed');
  });

  it("puts a loaded DAG's problems on its row and a broken file's under the files that failed", () => {
    const model = buildDagsPageModel(
      catalogOf([plan('good')]),
      new Map(),
      new Map(),
    );
    expect(model.brokenFiles).toEqual([]);
    const withProblems = buildDagsPageModel(
      catalogOf([plan('good')], [
        { file: 'good.ts', dagId: 'good', message: 'typecheck: x is not a number' },
        { file: 'broken.ts', dagId: 'broken', field: 'schedule', message: 'bad cron' },
      ]),
      new Map(),
      new Map(),
    );
    expect(withProblems.dags[0]?.problems).toEqual(['good.ts › dag good: typecheck: x is not a number']);
    expect(withProblems.brokenFiles).toEqual([{ file: 'broken.ts', problems: ['broken.ts › dag broken › field schedule: bad cron'] }]);
  });
});
