import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runTsChild } from './child-process.ts';
import type { LoadCorpus } from './generate-dags.ts';
import { REPO_ROOT } from './paths.ts';
import { median, ratio, round } from './stats.ts';
import type { ValidateChildReport } from './validate-child.ts';

const VALIDATE_CHILD = fileURLToPath(new URL('./validate-child.ts', import.meta.url));

export const VALIDATE_BASELINE_EXPLAINED =
  "Baseline: the loading path `weir dags validate` took before this change (bench/legacy-load.ts): one esbuild bundle of all files, imported and " +
  'checked in the calling process, with no isolation and no cache. Cold = every file compiled and run in the isolated loading process ' +
  '(`--no-cache`); warm = no file changed since the last load, so results come from the content-hash cache. Each figure is one fresh process, ' +
  'loader import included; `weir dags validate` (CLI) is the whole command, warm, with `--no-typecheck`, start-up of the CLI included.';

export interface ValidateResult {
  files: number;
  measuredRuns: number;
  baseline: string;
  legacyMs: number;
  coldMs: number;
  warmMs: number;
  cliWarmMs: number;
  cliHelpMs: number;
  ratioCold: number;
  warmTargetMs: number;
}

export async function runValidateBenchmark(options: { corpus: LoadCorpus; runs: number; log: (line: string) => void }): Promise<ValidateResult> {
  const dir = options.corpus.weirDir;
  const samples: Record<'legacy' | 'cold' | 'warm' | 'cli' | 'help', number[]> = { legacy: [], cold: [], warm: [], cli: [], help: [] };
  const load = async (mode: 'legacy' | 'cold' | 'warm') => {
    const { report } = await runTsChild<ValidateChildReport>(VALIDATE_CHILD, [mode, dir]);
    if (report.dags !== options.corpus.files || report.problems !== 0) throw new Error(`${mode} loaded ${report.dags} of ${options.corpus.files} DAGs with ${report.problems} problem(s)`);
    return report.loadMs;
  };
  // Pass 0 warms the OS file cache and the content cache; it is not recorded.
  for (let pass = 0; pass <= options.runs; pass++) {
    const figures = {
      legacy: await load('legacy'),
      cold: await load('cold'),
      warm: await load('warm'),
      cli: await timeCli(['--dags', dir, 'dags', 'validate', '--no-typecheck']),
      help: await timeCli(['--help']),
    };
    options.log(`  validate ${pass === 0 ? 'warm-up' : `run ${pass}/${options.runs}`}: ${Object.entries(figures).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ')}`);
    if (pass > 0) for (const [key, value] of Object.entries(figures)) samples[key as keyof typeof samples].push(value);
  }
  const legacyMs = round(median(samples.legacy));
  const coldMs = round(median(samples.cold));
  return {
    files: options.corpus.files,
    measuredRuns: options.runs,
    baseline: VALIDATE_BASELINE_EXPLAINED,
    legacyMs,
    coldMs,
    warmMs: round(median(samples.warm)),
    cliWarmMs: round(median(samples.cli)),
    cliHelpMs: round(median(samples.help)),
    ratioCold: ratio(coldMs, legacyMs),
    warmTargetMs: 500,
  };
}

function timeCli(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/weir.mjs', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`weir ${args.join(' ')} exited with ${code}: ${stderr.trim()}`))));
  });
}
