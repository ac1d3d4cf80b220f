import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { readTaskLogLines, type StoredTaskLogLine, type TaskLogQuery } from './store.ts';

export interface FollowOptions {
  /** True once nothing more will be logged (the run's tasks have finished). */
  isDone: () => Promise<boolean>;
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Yields the lines already stored, then each new one as it is stored, until `isDone` says the
 * tasks have finished. Done is asked before each read, so the lines written just before the end
 * are still read once more and never missed.
 */
export async function* followTaskLogs(db: Kysely<Database>, query: Omit<TaskLogQuery, 'afterId'>, options: FollowOptions): AsyncGenerator<StoredTaskLogLine> {
  const pollMs = options.pollMs ?? 500;
  let afterId: string | undefined;
  for (;;) {
    const done = await options.isDone();
    for (;;) {
      const lines = await readTaskLogLines(db, { ...query, ...(afterId === undefined ? {} : { afterId }) });
      for (const line of lines) yield line;
      afterId = lines[lines.length - 1]?.id ?? afterId;
      if (lines.length < (query.limit ?? 10_000)) break;
    }
    if (done || options.signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}
