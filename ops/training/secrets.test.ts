import { describe, expect, it } from 'vitest';
import { InvalidTrainingJobError, MissingSecretError } from './errors.ts';
import type { TrainingJob } from './job.ts';
import { declaredSecretEnv, resolveJobEnv } from './secrets.ts';
import { train } from './train.ts';

function job(fields: Partial<TrainingJob>): TrainingJob {
  return { name: 'job-a1', key: 'job', runId: 'run', taskId: 'train', attempt: 1, command: ['true'], outputDir: '/tmp/out', logFile: '/tmp/out.log', ...fields };
}

describe('resolveJobEnv', () => {
  it('reads required and optional secrets by name, and returns their values for masking', () => {
    const resolved = resolveJobEnv(job({ env: { MODE: 'fast' }, secretEnv: ['API_TOKEN'], optionalSecretEnv: ['TRACKING_TOKEN'] }), {
      API_TOKEN: 'a-secret',
      TRACKING_TOKEN: 't-secret',
      OTHER: 'not passed',
    });
    expect(resolved.env).toEqual({ MODE: 'fast', API_TOKEN: 'a-secret', TRACKING_TOKEN: 't-secret' });
    expect(resolved.secretValues).toEqual(['a-secret', 't-secret']);
  });

  it('leaves out an optional secret the worker does not have', () => {
    const resolved = resolveJobEnv(job({ optionalSecretEnv: ['TRACKING_TOKEN'] }), {});
    expect(resolved).toEqual({ env: {}, secretValues: [] });
  });

  it('fails on a missing required secret, naming the variable', () => {
    const resolveWithout = () => resolveJobEnv(job({ secretEnv: ['API_TOKEN'], optionalSecretEnv: ['TRACKING_TOKEN'] }), { TRACKING_TOKEN: 'x' });
    expect(resolveWithout).toThrow(MissingSecretError);
    expect(resolveWithout).toThrow(/secret environment variable API_TOKEN/);
  });

  it('rejects a bad optional variable name', () => {
    expect(() => resolveJobEnv(job({ optionalSecretEnv: ['NOT-A-NAME'] }), {})).toThrow(InvalidTrainingJobError);
  });
});

describe('declaredSecretEnv', () => {
  it('lists the names a train body reads as secrets, required and optional', () => {
    const body = train({ command: ['true'], secretEnv: ['API_TOKEN'], optionalSecretEnv: ['TRACKING_TOKEN'] });
    expect(declaredSecretEnv(body)).toEqual(['API_TOKEN', 'TRACKING_TOKEN']);
  });

  it('is empty for other bodies and for no body', () => {
    expect(declaredSecretEnv(async () => 1)).toEqual([]);
    expect(declaredSecretEnv(undefined)).toEqual([]);
    expect(declaredSecretEnv(train({ command: ['true'] }))).toEqual([]);
  });
});
