import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../infra/ports.ts';
import { testStack } from '../test/stack.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));

describe('npm start (weir start)', () => {
  let workingCopy: string;

  beforeAll(async () => {
    // Its own .weir folder and ports, so it never meets a developer's running stack.
    workingCopy = await mkdtemp(path.join(tmpdir(), 'weir-start-'));
    // Postgres runs as the `postgres` user when we are root; it must reach its data folder.
    await chmod(workingCopy, 0o755);
  });
  afterAll(async () => {
    await rm(workingCopy, { recursive: true, force: true });
  });

  it('starts the stack, runs the weekly_retrain example to success, links the run in the UI and exits cleanly', async () => {
    const [port, uiPort, webPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      WEIR_TEMPORAL_BIN: testStack().temporalBin,
      WEIR_START_EXIT_AFTER_RUN: '1',
    };
    const args = [path.join(REPO, 'bin', 'weir.mjs'), '--dags', path.join(REPO, 'dags'), 'start', '--port', String(port), '--ui-port', String(uiPort), '--web-port', String(webPort)];
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, args, { cwd: workingCopy, env, timeout: 240_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Temporal UI:   http://localhost:${uiPort}`);
    expect(result.stdout).toContain(`Weir UI:       http://127.0.0.1:${webPort}`);
    expect(result.stdout).toMatch(new RegExp(`Weir UI:     http://127\\.0\\.0\\.1:${webPort}/runs/weekly_retrain-manual-\\S+`));
    expect(result.stdout).toMatch(/announce\s+success/);
    expect(result.stdout).toMatch(/promote\s+success/);
    expect(result.stdout).toMatch(new RegExp(`Temporal UI: http://localhost:${uiPort}/namespaces/default/workflows/weekly_retrain-manual-\\S+`));
    expect(existsSync(path.join(workingCopy, '.weir', 'stack.json'))).toBe(false);
    expect(existsSync(path.join(workingCopy, '.weir', 'temporal.db'))).toBe(true);
  });
});
