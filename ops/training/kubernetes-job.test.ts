import { describe, expect, it } from 'vitest';
import { InvalidTrainingJobError } from './errors.ts';
import { buildKubernetesJob, kubernetesJobNames } from './kubernetes-job.ts';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('kubernetesJobNames', () => {
  it('makes DNS-1123 names of at most 63 characters from any run and task ids', () => {
    for (const [runId, taskId] of [
      ['manual__2026-11-30T05:00:00+00:00', 'train'],
      ['scheduled__2026-11-30T00:00:00+00:00', 'Train_Model[12]'],
      ['-'.repeat(10) + 'x'.repeat(200), '...'],
      ['ÄÖÜ', '——'],
    ] as const) {
      const { name } = kubernetesJobNames({ runId, taskId, attempt: 12 });
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS_1123_LABEL);
      expect(name.endsWith('-a12')).toBe(true);
    }
  });

  it('keeps the key across attempts and tells apart ids that fold to the same text', () => {
    const first = kubernetesJobNames({ runId: 'r:1', taskId: 'train', attempt: 1 });
    const second = kubernetesJobNames({ runId: 'r:1', taskId: 'train', attempt: 2 });
    const folded = kubernetesJobNames({ runId: 'r_1', taskId: 'train', attempt: 1 });
    expect(second.key).toBe(first.key);
    expect(second.name).not.toBe(first.name);
    expect(folded.key).not.toBe(first.key);
    expect(folded.name).not.toBe(first.name);
  });
});

describe('buildKubernetesJob', () => {
  const job = { name: 'j', key: 'k', runId: 'r', taskId: 't', attempt: 1, image: 'img', command: ['true'], outputDir: '/o', logFile: '/l' };

  it('refuses host-path inputs, which a pod cannot read', () => {
    expect(() => buildKubernetesJob({ ...job, inputs: [{ name: 'data', hostPath: '/data.csv', containerPath: '/data' }] }, { namespace: 'ml' })).toThrow(InvalidTrainingJobError);
  });

  it('refuses a secret with no Kubernetes Secret to come from', () => {
    expect(() => buildKubernetesJob({ ...job, secretEnv: ['TOKEN'] }, { namespace: 'ml' })).toThrow(/secretName or secretKeyRefs/);
  });
});
