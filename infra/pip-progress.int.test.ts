import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipInstallWithProgress, PipInstallError } from './pip-progress.ts';

// A minimal wheel, made on the spot with Python's zipfile: pip installs it offline, with no build step.
const MAKE_WHEEL = `
import sys, zipfile
name = 'weir_tiny_fixture'
files = {
    f'{name}/__init__.py': 'VALUE = 1\\n',
    f'{name}-0.1.0.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: weir-tiny-fixture\\nVersion: 0.1.0\\n',
    f'{name}-0.1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: weir-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
}
files[f'{name}-0.1.0.dist-info/RECORD'] = ''.join(f'{path},,\\n' for path in files) + f'{name}-0.1.0.dist-info/RECORD,,\\n'
with zipfile.ZipFile(sys.argv[1], 'w') as wheel:
    for path, text in files.items():
        wheel.writestr(path, text)
`;
let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('pip installs on first start', () => {
  it("show pip's progress, one line per step", async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'weir-pip-'));
    const wheel = path.join(dir, 'weir_tiny_fixture-0.1.0-py3-none-any.whl');
    execFileSync('python3', ['-c', MAKE_WHEEL, wheel]);
    const lines: string[] = [];
    await pipInstallWithProgress(['--no-index', '--no-deps', '--target', path.join(dir, 'target'), wheel], (line) => lines.push(line), { what: 'the fixture' });
    expect(lines.some((line) => line.startsWith('  pip: Successfully installed weir-tiny-fixture'))).toBe(true);
    expect(lines.some((line) => /^ {2}pip: (Processing|Building wheel|Installing collected packages)/.test(line))).toBe(true);
    expect(await readdir(path.join(dir, 'target'))).toContain('weir_tiny_fixture');
  });

  it('fails with the end of what pip said', async () => {
    const error = await pipInstallWithProgress(['--no-index', '--target', path.join(tmpdir(), 'weir-pip-never'), 'weir-package-that-does-not-exist'], () => {}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PipInstallError);
    expect((error as Error).message).toMatch(/^pip exited with code 1: .*weir-package-that-does-not-exist/);
  });
});
