import { describe, expect, it } from 'vitest';
import { ConfigError, workerSettingsFromEnv } from './config.ts';
import { parsePools, PoolSpecError } from './pools.ts';

const BASE_ENV = { TEMPORAL_ADDRESS: 'localhost:7233', DATABASE_URL: 'postgres://localhost/weir' };

function configErrorFor(pools: string, extra: Record<string, string> = {}): ConfigError {
  try {
    workerSettingsFromEnv({ ...BASE_ENV, ...extra, WEIR_POOLS: pools });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`WEIR_POOLS="${pools}" was accepted`);
}

describe('parsePools', () => {
  it('reads name=limit pairs, in order, ignoring spaces around them', () => {
    expect(parsePools(' gpu=1, io = 4 ,team.etl/slow-lane=2', 'weir')).toEqual([
      { name: 'gpu', maxConcurrentActivities: 1 },
      { name: 'io', maxConcurrentActivities: 4 },
      { name: 'team.etl/slow-lane', maxConcurrentActivities: 2 },
    ]);
  });

  it('means no pools when unset or blank', () => {
    expect(parsePools(undefined, 'weir')).toEqual([]);
    expect(parsePools('', 'weir')).toEqual([]);
    expect(parsePools('   ', 'weir')).toEqual([]);
  });

  it('names the entry at fault', () => {
    const error = (() => {
      try {
        parsePools('gpu=1,io=0', 'weir');
      } catch (thrown) {
        return thrown;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(PoolSpecError);
    expect((error as PoolSpecError).entry).toBe('io=0');
  });
});

describe('WEIR_POOLS in the worker settings', () => {
  it('defaults to no pools', () => {
    expect(workerSettingsFromEnv(BASE_ENV).pools).toEqual([]);
  });

  it('carries the parsed pools', () => {
    expect(workerSettingsFromEnv({ ...BASE_ENV, WEIR_POOLS: 'gpu=1,io=4' }).pools).toEqual([
      { name: 'gpu', maxConcurrentActivities: 1 },
      { name: 'io', maxConcurrentActivities: 4 },
    ]);
  });

  it.each([
    ['gpu', /"gpu" is not name=limit/],
    ['gpu=1=2', /"gpu=1=2" is not name=limit/],
    ['=3', /pool name "" in "=3"/],
    ['g pu=1', /pool name "g pu"/],
    ['-gpu=1', /pool name "-gpu"/],
    ['gpu=', /limit of pool "gpu" must be a whole number >= 1, got ""/],
    ['gpu=0', /limit of pool "gpu" must be a whole number >= 1, got "0"/],
    ['gpu=-1', /got "-1"/],
    ['gpu=1.5', /got "1.5"/],
    ['gpu=lots', /got "lots"/],
    ['gpu=1,,io=2', /empty entry/],
    ['gpu=1,', /empty entry/],
    ['gpu=1,gpu=2', /pool "gpu" is given twice/],
  ])('rejects %j with a ConfigError naming WEIR_POOLS', (spec, message) => {
    const error = configErrorFor(spec);
    expect(error.variable).toBe('WEIR_POOLS');
    expect(error.message).toMatch(/^WEIR_POOLS: /);
    expect(error.message).toMatch(message);
  });

  it("refuses a pool named like the worker's own task queue", () => {
    expect(configErrorFor('weir=2').message).toMatch(/pool "weir" is the worker's own task queue; limit that one with WEIR_MAX_CONCURRENT_ACTIVITIES/);
    expect(configErrorFor('main=2', { WEIR_TASK_QUEUE: 'main' }).message).toMatch(/pool "main" is the worker's own task queue/);
    expect(workerSettingsFromEnv({ ...BASE_ENV, WEIR_TASK_QUEUE: 'main', WEIR_POOLS: 'weir=2' }).pools).toEqual([{ name: 'weir', maxConcurrentActivities: 2 }]);
  });
});
