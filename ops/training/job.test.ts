import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputVariable, jobNames } from './job.ts';
import { JobLogSink } from './log-sink.ts';
import { recordingLog } from './test-support.ts';

describe('jobNames', () => {
  it('makes Docker-safe names that stay apart when sanitising folds ids together', () => {
    const a = jobNames({ runId: 'manual__2024-05-01T00:00:00+00:00', taskId: 'Train Model', attempt: 3 });
    const b = jobNames({ runId: 'manual__2024-05-01t00_00_00_00_00', taskId: 'train_model', attempt: 3 });
    expect(a.key).toMatch(/^weir-[a-z0-9_.-]+$/);
    expect(a.name).toBe(`${a.key}-a3`);
    expect(a.key).not.toBe(b.key);
  });

  it('keeps the key across attempts', () => {
    const first = jobNames({ runId: 'r', taskId: 't', attempt: 1 });
    const second = jobNames({ runId: 'r', taskId: 't', attempt: 2 });
    expect(first.key).toBe(second.key);
    expect(first.name).not.toBe(second.name);
  });
});

describe('inputVariable', () => {
  it('uses the name, or the container path without its extension', () => {
    expect(inputVariable({ name: 'train-set', hostPath: '/x', containerPath: '/data/a.csv' })).toBe('INPUT_TRAIN_SET');
    expect(inputVariable({ hostPath: '/x', containerPath: '/data/features.parquet' })).toBe('INPUT_FEATURES');
  });
});

describe('JobLogSink', () => {
  it('splits chunks into lines, masks secrets, and keeps a 20-line tail', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'weir-log-sink-'));
    try {
      const log = recordingLog();
      const sink = await JobLogSink.open(path.join(dir, 'job.log'), 'job', log, ['hunter2', 'hunter2-long']);
      sink.write('stdout', 'pass=hunter2-long and hun');
      sink.write('stdout', 'ter2\r\nline two\n');
      for (let i = 0; i < 25; i++) sink.write('stderr', `e${i}\n`);
      sink.write('stdout', 'tail without newline');
      await sink.close();
      await sink.close();

      expect(log.lines.slice(0, 2)).toEqual(['pass=*** and ***', 'line two']);
      expect(sink.lineCount).toBe(28);
      expect(sink.logTail().split('\n')).toHaveLength(20);
      expect(sink.logTail().endsWith('e24\ntail without newline')).toBe(true);
      const file = await readFile(path.join(dir, 'job.log'), 'utf8');
      expect(file).not.toContain('hunter2');
      expect(file.endsWith('tail without newline\n')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
