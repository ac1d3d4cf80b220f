import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { HISTORIES_DIR, loadHistory } from '../test/harness.ts';

/**
 * Histories recorded from earlier test runs (WEIR_RECORD_HISTORIES=1) replayed against today's
 * interpreter: a change that would break runs already in flight fails here. `remote-engine/`
 * keeps runs recorded before the engine's activities became local, which must still replay.
 */
describe('recorded histories', async () => {
  const files = [
    ...(await historyFiles(HISTORIES_DIR)),
    ...(await historyFiles(path.join(HISTORIES_DIR, 'remote-engine'))).map((file) => path.join('remote-engine', file)),
  ];

  it('has recorded histories of both generations to replay', () => {
    expect(files.filter((file) => !file.startsWith('remote-engine')).length).toBeGreaterThanOrEqual(10);
    expect(files.filter((file) => file.startsWith('remote-engine')).length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history = await loadHistory(path.join(HISTORIES_DIR, file));
      await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file);
    });
  }
});

async function historyFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((file) => file.endsWith('.history.pb')).sort();
}
