import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTsChild } from './child-process.ts';
import type { LoadCorpus } from './generate-dags.ts';
import type { LoadChildReport } from './load-child.ts';
import { median, ratio, round } from './stats.ts';

const LOAD_CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));

export const LOADING_BASELINE_EXPLAINED =
  'Baseline: the same 1,000 files with `import { dag } from "weir"` swapped for a 20-line local builder that only records tasks, ' +
  'imported the same way (readdir, then all imports in parallel) in the same kind of fresh tsx process. Both pay the same tsx ' +
  "transform and Node ESM loading for the same source text, so the ratio isolates Weir's own cost: importing the SDK, building " +
  'each DAG and compiling and validating its Plan. Cold = an empty tsx cache (its first run after the files changed); warm = ' +
  "tsx's transform cache already filled. `tsx startup` is an empty script, for scale.";

export interface LoadingVariant {
  /** Median of the load call alone, in the child. */
  loadMs: number;
  /** Median spawn -> exit, seen by the parent. */
  processMs: number;
  sdkImportMs: number;
  runsLoadMs: number[];
}

export interface LoadingResult {
  files: number;
  tasksPerDag: number;
  measuredRuns: number;
  baseline: string;
  weirCold: LoadingVariant;
  plainCold: LoadingVariant;
  weirWarm: LoadingVariant;
  plainWarm: LoadingVariant;
  tsxStartupMs: number;
  ratioCold: number;
  ratioWarm: number;
  /** (weir - plain) / files, cold. */
  weirCostPerFileMs: number;
  targetMs: number;
}

/** Times cold loads of the corpus in fresh processes, against the plain-module baseline. */
export async function runLoadingBenchmark(options: { corpus: LoadCorpus; tasksPerDag: number; runs: number; scratchDir: string; log: (line: string) => void }): Promise<LoadingResult> {
  const { corpus } = options;
  const warmCache = await mkdtemp(path.join(options.scratchDir, 'tsx-warm-'));
  const coldCaches: string[] = [];
  const freshCache = async () => {
    const dir = await mkdtemp(path.join(options.scratchDir, 'tsx-cold-'));
    coldCaches.push(dir);
    return dir;
  };
  // tsx keeps its transform cache under os.tmpdir(); a TMPDIR of our own makes "cold" truly cold.
  const variants = {
    weirCold: async () => runTsChild<LoadChildReport>(LOAD_CHILD, ['weir', corpus.weirDir], { TMPDIR: await freshCache() }),
    plainCold: async () => runTsChild<LoadChildReport>(LOAD_CHILD, ['plain', corpus.plainDir, String(options.tasksPerDag)], { TMPDIR: await freshCache() }),
    weirWarm: async () => runTsChild<LoadChildReport>(LOAD_CHILD, ['weir', corpus.weirDir], { TMPDIR: warmCache }),
    plainWarm: async () => runTsChild<LoadChildReport>(LOAD_CHILD, ['plain', corpus.plainDir, String(options.tasksPerDag)], { TMPDIR: warmCache }),
    tsxStartup: async () => runTsChild<LoadChildReport>(LOAD_CHILD, ['empty'], { TMPDIR: warmCache }),
  };
  type Name = keyof typeof variants;
  const names = Object.keys(variants) as Name[];
  const samples = new Map<Name, { loadMs: number; processMs: number; sdkImportMs: number }[]>(names.map((n) => [n, []]));
  try {
    // Pass 0 warms the OS file cache and fills the warm tsx cache; it is not recorded.
    for (let pass = 0; pass <= options.runs; pass++) {
      for (const name of names) {
        const { wallMs, report } = await variants[name]();
        const expected = name === 'tsxStartup' ? 0 : corpus.files;
        if (report.modules !== expected || report.problems !== 0) {
          throw new Error(`${name} loaded ${report.modules} of ${expected} modules with ${report.problems} problem(s)`);
        }
        options.log(`  ${name}: ${pass === 0 ? 'warm-up' : `run ${pass}/${options.runs}`} load ${Math.round(report.loadMs)} ms, process ${Math.round(wallMs)} ms`);
        if (pass > 0) samples.get(name)?.push({ loadMs: report.loadMs, processMs: wallMs, sdkImportMs: report.sdkImportMs });
      }
    }
  } finally {
    await Promise.allSettled([warmCache, ...coldCaches].map((dir) => rm(dir, { recursive: true, force: true })));
  }
  const summary = (name: Name): LoadingVariant => {
    const runs = samples.get(name) ?? [];
    return {
      loadMs: round(median(runs.map((r) => r.loadMs))),
      processMs: round(median(runs.map((r) => r.processMs))),
      sdkImportMs: round(median(runs.map((r) => r.sdkImportMs))),
      runsLoadMs: runs.map((r) => round(r.loadMs)),
    };
  };
  const weirCold = summary('weirCold');
  const plainCold = summary('plainCold');
  const weirWarm = summary('weirWarm');
  const plainWarm = summary('plainWarm');
  return {
    files: corpus.files,
    tasksPerDag: options.tasksPerDag,
    measuredRuns: options.runs,
    baseline: LOADING_BASELINE_EXPLAINED,
    weirCold,
    plainCold,
    weirWarm,
    plainWarm,
    tsxStartupMs: summary('tsxStartup').processMs,
    ratioCold: ratio(weirCold.loadMs, plainCold.loadMs),
    ratioWarm: ratio(weirWarm.loadMs, plainWarm.loadMs),
    weirCostPerFileMs: round((weirCold.loadMs - plainCold.loadMs) / corpus.files, 2),
    targetMs: 3000,
  };
}
