import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports.ts';
import { testStack } from '../../test/stack.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const DAGS = path.join(REPO, 'ui', 'fixtures', 'dags');

function env(extra: Record<string, string> = {}): Record<string, string> {
  const { temporalAddress, databaseUrl } = testStack();
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', USER: 'erin', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: 'ui-command-test', ...extra };
}

describe('weir ui', () => {
  it('serves the view from the built package on 127.0.0.1, prints both UIs, and stops on Ctrl-C', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [WEIR, '--dags', DAGS, 'ui', '--port', String(port)], { cwd: REPO, env: env({ WEIR_UI_URL: 'http://temporal-ui.example:8233' }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await expect.poll(() => stdout, { timeout: 60_000, interval: 200 }).toContain('Press Ctrl-C to stop.');
      expect(stdout).toContain(`Weir UI:      http://127.0.0.1:${port}`);
      expect(stdout).toContain('Temporal UI:  http://temporal-ui.example:8233');
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      const body = await page.text();
      expect(body).toContain('webcore_sched');
      expect(body).toContain('webcore_broken.ts');
      expect(body).toContain('href="http://temporal-ui.example:8233/namespaces/default/workflows"');
      expect(body).toContain('erin');
      // The assets come from dist/ui/assets, where the build copied them.
      const script = await fetch(`http://127.0.0.1:${port}/assets/weir.js`);
      expect(script.headers.get('content-type')).toContain('text/javascript');
      expect(await script.text()).toContain('x-weir-csrf');
    } finally {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
    expect(child.exitCode).toBe(0);
    expect(stderr).toBe('');
  });

  it('refuses to listen beyond loopback without a token or proxy header, before it connects to anything', async () => {
    const port = await freePort();
    const refused = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [WEIR, '--dags', DAGS, 'ui', '--host', '0.0.0.0', '--port', String(port)], { cwd: REPO, env: env({ TEMPORAL_ADDRESS: '127.0.0.1:1' }), timeout: 60_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
      );
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'weir: refusing to listen on 0.0.0.0 without authentication: pass --auth-token (or set WEIR_UI_TOKEN), or --auth-proxy-header behind a trusted proxy, or listen on 127.0.0.1',
    );
  });
});
