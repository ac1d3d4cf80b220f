/**
 * Pools, as in Airflow: a named slot limit that a group of tasks shares. In Weir a pool is a
 * plain Temporal task queue that the worker polls next to its own, with its own limit on
 * concurrent activities. A task joins a pool with its `queue` option (`queue: 'gpu'`).
 */

/** One pool this worker serves: the task queue `name`, at most `maxConcurrentActivities` at once. */
export interface PoolLimit {
  name: string;
  maxConcurrentActivities: number;
}

/** A pool spec that cannot be used, with the entry at fault (null when the whole spec is). */
export class PoolSpecError extends Error {
  constructor(readonly entry: string | null, message: string) {
    super(message);
    this.name = 'PoolSpecError';
  }
}

// Task queue names are free text to Temporal; this keeps them unambiguous in `a=1,b=2`.
const POOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]*$/;

/**
 * Parses `name=limit` pairs separated by commas; an empty or blank spec means no pools.
 *
 * @example
 * parsePools('gpu=1, io=4', 'weir'); // [{ name: 'gpu', maxConcurrentActivities: 1 }, { name: 'io', ... 4 }]
 */
export function parsePools(spec: string | undefined, mainTaskQueue: string): PoolLimit[] {
  if (spec === undefined || spec.trim() === '') return [];
  const pools: PoolLimit[] = [];
  for (const rawEntry of spec.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') throw new PoolSpecError(null, `empty entry in "${spec}"; write name=limit pairs separated by commas, e.g. "gpu=1,io=4"`);
    const parts = entry.split('=');
    if (parts.length !== 2) throw new PoolSpecError(entry, `"${entry}" is not name=limit, e.g. "gpu=1"`);
    const name = (parts[0] as string).trim();
    const limitText = (parts[1] as string).trim();
    if (!POOL_NAME.test(name)) {
      throw new PoolSpecError(entry, `pool name "${name}" in "${entry}" must start with a letter, digit or _ and contain only letters, digits and _ . : / -`);
    }
    const limit = Number(limitText);
    if (limitText === '' || !Number.isInteger(limit) || limit < 1) {
      throw new PoolSpecError(entry, `limit of pool "${name}" must be a whole number >= 1, got "${limitText}"`);
    }
    if (name === mainTaskQueue) {
      throw new PoolSpecError(entry, `pool "${name}" is the worker's own task queue; limit that one with WEIR_MAX_CONCURRENT_ACTIVITIES`);
    }
    if (pools.some((pool) => pool.name === name)) throw new PoolSpecError(entry, `pool "${name}" is given twice`);
    pools.push({ name, maxConcurrentActivities: limit });
  }
  return pools;
}
