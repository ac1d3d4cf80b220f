import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { HISTORIES_DIR, loadHistory } from '../test/harness.ts';

/**
 * Histories recorded from earlier test runs (WEIR_RECORD_HISTORIES=1) replayed against today's
 * interpreter: a change that would break runs already in flight fails here.
 */
describe('recorded histories', async () => {
  const files = (await readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.history.pb')).sort();

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history = await loadHistory(path.join(HISTORIES_DIR, file));
      await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file);
    });
  }
});
