import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dag, InvalidParamsError, NonRetryableError, OutputTooLargeError } from '../sdk/index.ts';
import { MissingMapInputError, missingUpstreamOutputs, TaskWithoutBodyError, UnknownTaskError } from './run-task.ts';
import { testTask } from './index.ts';

const report = dag({ id: 'report', params: z.object({ minRows: z.number().default(1000) }) })
  .task('extract', async () => ({ rows: 1200 }))
  .task('check', { needs: ['extract'] }, async (ctx) => ctx.outputs.extract.rows >= ctx.params.minRows)
  .branch('route', { needs: ['check'] }, (ctx) => (ctx.outputs.check ? 'publish' : 'alert'))
  .task('publish', { needs: ['route'] }, async (ctx) => {
    ctx.log.info('publishing', { rows: 3 });
    ctx.emit('promotion', { version: 7 });
    return { at: ctx.run.logicalDate, runId: ctx.run.runId, attempt: ctx.run.attempt };
  })
  .task('alert', { needs: ['route'] }, async (ctx) => ctx.log.warn('too few rows'))
  .task('explode', async () => {
    throw new NonRetryableError('bucket missing');
  })
  .task('huge', async () => 'x'.repeat(300 * 1024))
  .task('dates', async () => new Date('2026-01-02T03:04:05Z'))
  .map('double', { over: 'extract' }, async (_ctx, item: number, index) => item * 2 + index)
  .approval('sign_off', { needs: ['publish'], timeout: '1d' });

describe('testTask', () => {
  it('gives the body its upstream outputs and validated params, with defaults applied', async () => {
    const few = await testTask(report, 'check', { outputs: { extract: { rows: 10 } } });
    expect(few.output).toBe(false);
    expect(few.params).toEqual({ minRows: 1000 });
    const enough = await testTask(report, 'check', { outputs: { extract: { rows: 10 } }, params: { minRows: 5 } });
    expect(enough.output).toBe(true);
  });

  it('returns what a branch picks, as the branch body says it', async () => {
    expect((await testTask(report, 'route', { outputs: { check: false } })).output).toBe('alert');
  });

  it('gives run info, and collects log lines and emitted events', async () => {
    const logged: string[] = [];
    const result = await testTask(report, 'publish', { logicalDate: new Date('2026-03-01T00:00:00Z'), runId: 'r-1', onLog: (line) => logged.push(line.message) });
    expect(result.output).toEqual({ at: '2026-03-01T00:00:00.000Z', runId: 'r-1', attempt: 1 });
    expect(result.logs).toEqual([{ level: 'info', message: 'publishing', attrs: { rows: 3 } }]);
    expect(logged).toEqual(['publishing']);
    expect(result.events).toEqual([{ type: 'promotion', details: { version: 7 } }]);
  });

  it('turns undefined into null and applies the JSON round trip a run applies', async () => {
    expect((await testTask(report, 'alert')).output).toBeNull();
    expect((await testTask(report, 'dates')).output).toBe('2026-01-02T03:04:05.000Z');
  });

  it('runs a mapped task once per item of its upstream list', async () => {
    expect((await testTask(report, 'double', { outputs: { extract: [1, 2, 3] } })).output).toEqual([2, 5, 8]);
    await expect(testTask(report, 'double', { outputs: { extract: { rows: 1 } } })).rejects.toBeInstanceOf(MissingMapInputError);
  });

  it('rejects with the body error, bad params, an unknown task, an approval and an oversized output', async () => {
    await expect(testTask(report, 'explode')).rejects.toThrow(/bucket missing/);
    await expect(testTask(report, 'check', { outputs: { extract: { rows: 1 } }, params: { minRows: 'many' } })).rejects.toBeInstanceOf(InvalidParamsError);
    await expect(testTask(report, 'nope')).rejects.toBeInstanceOf(UnknownTaskError);
    await expect(testTask(report, 'nope')).rejects.toThrow('DAG report has no task "nope" (tasks: extract, check, route, publish, alert, explode, huge, dates, double, sign_off)');
    await expect(testTask(report, 'sign_off')).rejects.toBeInstanceOf(TaskWithoutBodyError);
    await expect(testTask(report, 'huge')).rejects.toBeInstanceOf(OutputTooLargeError);
  });
});

describe('testTask masks the secrets a task declares, as a worker does', () => {
  const SECRET = 'tok-hunter22-secret';
  const leaky = dag({ id: 'leaky', defaults: { secretEnv: ['WEIR_TEST_LEAKY_DEFAULT'] } })
    .task('echo', { secretEnv: ['WEIR_TEST_LEAKY_TOKEN'] }, async (ctx) => {
      const token = process.env.WEIR_TEST_LEAKY_TOKEN ?? '';
      ctx.log.info(`calling the API with ${token}`, { header: `Bearer ${token}` });
      ctx.emit('promotion', { by: token });
      return { token, url: `https://u:${encodeURIComponent(token)}@api.example.com` };
    })
    .task('fail', { secretEnv: ['WEIR_TEST_LEAKY_TOKEN'] }, async () => {
      throw new NonRetryableError(`login refused for ${process.env.WEIR_TEST_LEAKY_TOKEN ?? ''}`);
    })
    .task('byDefault', async () => process.env.WEIR_TEST_LEAKY_DEFAULT ?? '')
    .map('each', { over: 'echo' }, async (ctx, item: string) => {
      ctx.log.warn(`item ${item}`);
      return item;
    });
  const undeclared = dag({ id: 'undeclared' }).task('echo', async () => process.env.WEIR_TEST_LEAKY_TOKEN ?? '');

  beforeEach(() => {
    process.env.WEIR_TEST_LEAKY_TOKEN = SECRET;
    process.env.WEIR_TEST_LEAKY_DEFAULT = 'default-secret-value';
  });
  afterEach(() => {
    delete process.env.WEIR_TEST_LEAKY_TOKEN;
    delete process.env.WEIR_TEST_LEAKY_DEFAULT;
  });

  it('in the log lines, the emitted events and the output', async () => {
    const logged: unknown[] = [];
    const result = await testTask(leaky, 'echo', { onLog: (line) => logged.push(line) });
    expect(result.output).toEqual({ token: '***', url: 'https://u:***@api.example.com' });
    expect(result.logs).toEqual([{ level: 'info', message: 'calling the API with ***', attrs: { header: 'Bearer ***' } }]);
    expect(logged).toEqual(result.logs);
    expect(result.events).toEqual([{ type: 'promotion', details: { by: '***' } }]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('in the error, which keeps its class', async () => {
    const error = await testTask(leaky, 'fail').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect((error as Error).message).toBe('login refused for ***');
    expect((error as Error).stack).not.toContain(SECRET);
  });

  it('for the DAG defaults and each item of a mapped task', async () => {
    expect((await testTask(leaky, 'byDefault')).output).toBe('***');
    const mapped = await testTask(leaky, 'each', { outputs: { echo: ['default-secret-value', 'plain'] } });
    expect(mapped.output).toEqual(['***', 'plain']);
    expect(mapped.logs.map((line) => line.message)).toEqual(['item ***', 'item plain']);
  });

  it('and leaves alone a value the task never declared secret', async () => {
    expect((await testTask(undeclared, 'echo')).output).toBe(SECRET);
  });
});

describe('missingUpstreamOutputs', () => {
  it('names the direct upstream tasks whose output was not given', () => {
    const loose = report as unknown as Parameters<typeof missingUpstreamOutputs>[0];
    expect(missingUpstreamOutputs(loose, 'publish', {})).toEqual(['route']);
    expect(missingUpstreamOutputs(loose, 'publish', { route: 'publish' })).toEqual([]);
    expect(missingUpstreamOutputs(loose, 'extract', {})).toEqual([]);
  });
});
