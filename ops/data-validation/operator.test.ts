import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../artifacts/store.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { dag } from '../../sdk/dag.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import type { WeirServices } from '../../sdk/services.ts';
import { testServices } from '../test-services.ts';
import { DataValidationFailedError, ExpectationConfigError } from './errors.ts';
import { validateData } from './operator.ts';
import { createWorkspace, WEATHER_QUERY } from './test-fixtures.ts';
import type { Workspace } from './test-fixtures.ts';

let ws: Workspace;
let weatherCsv: string;
let services: WeirServices;

beforeAll(async () => {
  ws = await createWorkspace();
  weatherCsv = await ws.writeQuery('weather.csv', WEATHER_QUERY);
  // The operator never touches the database; the artifact store is the real one under test.
  services = testServices({ artifacts: ws.artifacts, env: { WEIR_DATA_ROOTS: ws.dir } });
});
afterAll(async () => {
  await ws.cleanup();
});

function taskContext<U>(outputs: U, logs: string[] = []): TaskContext<Record<string, unknown>, U> {
  const log = (level: string) => (message: string) => void logs.push(`${level}: ${message}`);
  return {
    params: {},
    outputs,
    taskId: 'validate',
    run: { runId: 'run/42', dagId: 'weather', runType: 'manual', logicalDate: '2024-01-01T00:00:00Z', dataIntervalStart: '2024-01-01T00:00:00Z', dataIntervalEnd: '2024-01-02T00:00:00Z', attempt: 1 },
    signal: new AbortController().signal,
    heartbeat: () => undefined,
    emit: () => undefined,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    services,
  };
}

describe('validateData', () => {
  it('returns a small summary and writes the report under the task prefix', async () => {
    const body = validateData<Record<string, unknown>, { extract: { path: string } }>({
      file: (ctx) => ctx.outputs.extract.path,
      expectations: { columns: { temp_max: { type: 'float', between: [-30, 50] } } },
    });
    const logs: string[] = [];
    const summary = await body(taskContext({ extract: { path: weatherCsv } }, logs));
    expect(summary).toEqual({
      passed: true,
      rowCount: 100,
      failures: [],
      reportUri: ws.artifacts.uriFor(`${ArtifactStore.taskPrefix('run/42', 'validate')}/validation-report.json`),
    });
    expect((await ws.readReport(summary.reportUri)).passed).toBe(true);
    expect(logs).toEqual(['info: data validation passed']);
  });

  it('fails non-retryably, naming each failure, after writing the report', async () => {
    const body = validateData({
      file: weatherCsv,
      reportName: 'failing.json',
      expectations: { columns: { temp_max: { between: [-30, 30] }, weather: { allowedValues: ['sun'] } } },
    });
    const error = await body(taskContext({})).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DataValidationFailedError);
    expect(error).toBeInstanceOf(NonRetryableError);
    const failed = error as DataValidationFailedError;
    expect(failed.failures).toHaveLength(2);
    expect(failed.message).toContain('2 failed expectations');
    expect(failed.message).toContain('temp_max: 10 of 100 values');
    expect(failed.message).toContain('weather: 66 of 100 values (66.0%) not allowed: "rain" ×33, "snow" ×33');
    const report = await ws.readReport(failed.reportUri);
    expect(report.passed).toBe(false);
    expect(failed.reportUri).toMatch(/runs\/run_42\/validate\/failing\.json$/);
  });

  it('fails non-retryably for a missing file too, with a report', async () => {
    const body = validateData({ file: (ctx) => String(ctx.params.path), expectations: {} });
    const ctx = { ...taskContext({}), params: { path: `${ws.dir}/gone.parquet` } };
    await expect(body(ctx)).rejects.toThrow(/file not found: .*gone\.parquet/);
  });

  it('rejects a file function that returns nothing usable', async () => {
    const body = validateData({ file: () => '', expectations: {} });
    await expect(body(taskContext({}))).rejects.toBeInstanceOf(NonRetryableError);
  });

  it('rejects impossible expectations before reading data', async () => {
    const body = validateData({ file: weatherCsv, expectations: { columns: { temp_max: { notNull: { mostly: 1.5 } } } } });
    await expect(body(taskContext({}))).rejects.toThrow(ExpectationConfigError);
  });

  it('plugs into a DAG with typed upstream outputs', () => {
    const weather = dag({ id: 'weather_check' })
      .task('extract', async () => ({ path: weatherCsv }))
      .task('validate', { needs: ['extract'] }, validateData({ file: (ctx) => ctx.outputs.extract.path, expectations: { rowCount: { min: 1 } } }));
    expect(weather.tasks.map((task) => task.id)).toEqual(['extract', 'validate']);
  });
});
