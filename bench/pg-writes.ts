import { createDb, recordRunSnapshot, recordTaskAttempt, recordTaskAttempts } from '../db/index.ts';
import type { RunSnapshot } from '../plan/types.ts';
import { median, timed } from './stats.ts';

export interface PostgresWriteCosts {
  /** One attempt written on its own. */
  attemptWriteMs: number;
  /** One batch of `tasks` attempts in one statement, as the task runner's batcher writes them (at most every 100 ms). */
  attemptBatchWriteMs: number;
  /** One recordRunSnapshot of a run with `tasks` tasks; prepareRun writes one at the start, the interpreter one at the end. */
  snapshotWriteMs: number;
  tasks: number;
}

/** Times the run-record writes alone, against the benchmark's own Postgres. */
export async function measurePostgresWrites(databaseUrl: string, tasks: number): Promise<PostgresWriteCosts> {
  const db = createDb(databaseUrl);
  try {
    const runId = `bench-pg-${Date.now()}`;
    const snapshot = fakeSnapshot(runId, tasks);
    const snapshotTimes: number[] = [];
    for (let i = 0; i < 12; i++) snapshotTimes.push((await timed(() => recordRunSnapshot(db, snapshot))).ms);
    const attemptTimes: number[] = [];
    for (let i = 0; i < 2 * tasks; i++) {
      const taskId = `t${String(i % tasks).padStart(3, '0')}`;
      const at = new Date();
      const write = () => recordTaskAttempt(db, { runId, taskId, attempt: 1, state: i < tasks ? 'running' : 'success', startedAt: at, endedAt: i < tasks ? null : at, error: null });
      attemptTimes.push((await timed(write)).ms);
    }
    const batchTimes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const at = new Date();
      const batch = Array.from({ length: tasks }, (_, t) => ({ runId, taskId: `t${String(t).padStart(3, '0')}`, attempt: 2, state: 'success' as const, startedAt: at, endedAt: at, error: null }));
      batchTimes.push((await timed(() => recordTaskAttempts(db, batch))).ms);
    }
    // The first writes warm the pool's connections; leave them out.
    return { attemptWriteMs: median(attemptTimes.slice(10)), attemptBatchWriteMs: median(batchTimes.slice(2)), snapshotWriteMs: median(snapshotTimes.slice(2)), tasks };
  } finally {
    await db.destroy();
  }
}

function fakeSnapshot(runId: string, tasks: number): RunSnapshot {
  const now = new Date().toISOString();
  return {
    runId,
    dagId: 'bench_pg',
    runType: 'manual',
    status: 'running',
    logicalDate: now,
    startedAt: now,
    endedAt: null,
    params: {},
    tasks: Array.from({ length: tasks }, (_, i) => ({
      id: `t${String(i).padStart(3, '0')}`,
      kind: 'task' as const,
      state: 'pending' as const,
      attempts: 0,
      startedAt: null,
      endedAt: null,
      error: null,
    })),
  };
}
