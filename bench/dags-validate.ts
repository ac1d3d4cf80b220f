import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { runNodeChild, runTsChild } from './child-process.ts';
import type { LoadCorpus } from './generate-dags.ts';
import { GENERATED_DIR, REPO_ROOT } from './paths.ts';
import { median, ratio, round } from './stats.ts';
import type { ValidateChildReport } from './validate-child.ts';

const VALIDATE_CHILD = fileURLToPath(new URL('./validate-child.ts', import.meta.url));

export const VALIDATE_BASELINE_EXPLAINED =
  "Baseline: the loading path `weir dags validate` took before this change (bench/legacy-load.ts): one esbuild bundle of all files, imported and " +
  'checked in the calling process, with no isolation and no cache. Cold = every file compiled and run in the isolated loading process ' +
  '(`--no-cache`); warm = no file changed since the last load, so results come from the content-hash cache. Each figure is one fresh process, ' +
  'loader import included. Compiled = Weir as `weir` runs it (dist/, plain Node, no TypeScript loader), both paths; sources = Weir\'s TypeScript ' +
  'under tsx with the `weir-source` condition, as tests run it, where the loading process pays tsx\'s start-up too. ' +
  '`weir dags validate` (CLI) is the whole command, warm, with `--no-typecheck`, start-up of the CLI included.';

export interface ValidateResult {
  files: number;
  measuredRuns: number;
  baseline: string;
  legacyMs: number;
  coldMs: number;
  /** The same two paths run from Weir's TypeScript sources under tsx. */
  sourceLegacyMs: number;
  sourceColdMs: number;
  ratioSourceCold: number;
  warmMs: number;
  cliWarmMs: number;
  cliHelpMs: number;
  ratioCold: number;
  warmTargetMs: number;
}

export async function runValidateBenchmark(options: { corpus: LoadCorpus; runs: number; log: (line: string) => void }): Promise<ValidateResult> {
  const dir = options.corpus.weirDir;
  const samples: Record<'legacy' | 'cold' | 'sourceLegacy' | 'sourceCold' | 'warm' | 'cli' | 'help', number[]> = { legacy: [], cold: [], sourceLegacy: [], sourceCold: [], warm: [], cli: [], help: [] };
  const compiledChild = await compileValidateChild(path.join(GENERATED_DIR, 'validate-child.mjs'));
  const check = (mode: string, report: ValidateChildReport) => {
    if (report.dags !== options.corpus.files || report.problems !== 0) throw new Error(`${mode} loaded ${report.dags} of ${options.corpus.files} DAGs with ${report.problems} problem(s)`);
    return report.loadMs;
  };
  const load = async (mode: 'legacy' | 'cold' | 'warm') => check(mode, (await runNodeChild<ValidateChildReport>(compiledChild, [mode, dir])).report);
  const loadFromSources = async (mode: 'legacy' | 'cold') => check(`${mode} (sources)`, (await runTsChild<ValidateChildReport>(VALIDATE_CHILD, [mode, dir])).report);
  // Pass 0 warms the OS file cache and the content cache; it is not recorded.
  for (let pass = 0; pass <= options.runs; pass++) {
    const figures = {
      legacy: await load('legacy'),
      cold: await load('cold'),
      sourceLegacy: await loadFromSources('legacy'),
      sourceCold: await loadFromSources('cold'),
      warm: await load('warm'),
      cli: await timeCli(['--dags', dir, 'dags', 'validate', '--no-typecheck']),
      help: await timeCli(['--help']),
    };
    options.log(`  validate ${pass === 0 ? 'warm-up' : `run ${pass}/${options.runs}`}: ${Object.entries(figures).map(([k, v]) => `${k} ${Math.round(v)} ms`).join(', ')}`);
    if (pass > 0) for (const [key, value] of Object.entries(figures)) samples[key as keyof typeof samples].push(value);
  }
  const legacyMs = round(median(samples.legacy));
  const coldMs = round(median(samples.cold));
  const sourceLegacyMs = round(median(samples.sourceLegacy));
  const sourceColdMs = round(median(samples.sourceCold));
  return {
    files: options.corpus.files,
    measuredRuns: options.runs,
    baseline: VALIDATE_BASELINE_EXPLAINED,
    legacyMs,
    coldMs,
    sourceLegacyMs,
    sourceColdMs,
    ratioSourceCold: ratio(sourceColdMs, sourceLegacyMs),
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

/**
 * bench/validate-child.ts compiled to one JavaScript file whose imports of Weir's sources point at
 * their compiled twins in dist/ (built by `npm run bench` first), so both paths run on plain Node
 * as the `weir` command does, with no TypeScript loader in either process.
 */
async function compileValidateChild(outfile: string): Promise<string> {
  const sourceRoots = ['sdk', 'plan', 'infra'].map((folder) => path.join(REPO_ROOT, folder) + path.sep);
  await build({
    entryPoints: [VALIDATE_CHILD],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    plugins: [
      {
        name: 'weir-from-dist',
        setup(builder) {
          builder.onResolve({ filter: /\.ts$/ }, (args) => {
            const absolute = path.resolve(args.resolveDir, args.path);
            if (!sourceRoots.some((root) => absolute.startsWith(root))) return undefined;
            return { path: path.join(REPO_ROOT, 'dist', path.relative(REPO_ROOT, absolute)).replace(/\.ts$/, '.js'), external: true };
          });
        },
      },
    ],
  });
  return outfile;
}

