import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.ts';
import { median, ratio, round } from './stats.ts';

/**
 * How fast the `weir` command answers, as a user runs it: the compiled bin/weir.mjs.
 * - `weir --help` CPU time (user + system) against `node -e 0`, the least any Node command costs.
 *   Target: at most 4x.
 * - `weir runs list` wall time against the running stack, next to `temporal workflow list`
 *   asking the same server. Target: at most 0.5 s.
 * The variants alternate within each round, so a busy moment hits both.
 */
export interface CliStartupResult {
  rounds: number;
  help: { weirCpuMs: number; nodeCpuMs: number; ratio: number; weirWallMs: number; nodeWallMs: number };
  runsList: { weirMs: number; weirCpuMs: number; temporalMs: number; ratio: number; runsListed: number };
}

export interface CliStartupOptions {
  temporalAddress: string;
  databaseUrl: string;
  temporalBin: string;
  rounds: number;
  log: (line: string) => void;
}

const WEIR = path.join(REPO_ROOT, 'bin', 'weir.mjs');

export function runCliStartupBenchmark(options: CliStartupOptions): CliStartupResult {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: options.temporalAddress, DATABASE_URL: options.databaseUrl };
  const help = { weir: [] as Measured[], node: [] as Measured[] };
  const list = { weir: [] as Measured[], temporal: [] as Measured[] };
  // One warm-up of each fills the file system cache.
  measure(process.execPath, [WEIR, '--help'], env);
  measure(process.execPath, [WEIR, 'runs', 'list'], env);
  let runsListed = 0;
  for (let round = 0; round < options.rounds; round++) {
    help.node.push(measure(process.execPath, ['-e', '0'], env));
    help.weir.push(measure(process.execPath, [WEIR, '--help'], env));
    const weirList = measure(process.execPath, [WEIR, 'runs', 'list', '--limit', '50'], env);
    runsListed = Math.max(0, weirList.stdout.split('\n').filter((line) => line.trim() !== '').length - 1);
    list.weir.push(weirList);
    list.temporal.push(measure(options.temporalBin, ['workflow', 'list', '--address', options.temporalAddress, '--limit', '50'], env));
  }
  const meanCpu = (samples: Measured[]) => samples.reduce((sum, sample) => sum + sample.cpuMs, 0) / samples.length;
  const medianWall = (samples: Measured[]) => median(samples.map((sample) => sample.wallMs));
  const result: CliStartupResult = {
    rounds: options.rounds,
    help: {
      weirCpuMs: round(meanCpu(help.weir)),
      nodeCpuMs: round(meanCpu(help.node)),
      ratio: ratio(meanCpu(help.weir), meanCpu(help.node)),
      weirWallMs: round(medianWall(help.weir)),
      nodeWallMs: round(medianWall(help.node)),
    },
    runsList: { weirMs: round(medianWall(list.weir)), weirCpuMs: round(meanCpu(list.weir)), temporalMs: round(medianWall(list.temporal)), ratio: ratio(medianWall(list.weir), medianWall(list.temporal)), runsListed },
  };
  options.log(`weir --help ${result.help.weirCpuMs} ms CPU vs node -e 0 ${result.help.nodeCpuMs} ms (${result.help.ratio}x); weir runs list ${result.runsList.weirMs} ms vs temporal workflow list ${result.runsList.temporalMs} ms`);
  return result;
}

interface Measured {
  wallMs: number;
  cpuMs: number;
  stdout: string;
}

/**
 * Runs a command to its end. CPU time is what the kernel charged to reaped children (user +
 * system, /proc/self/stat cutime and cstime), so it counts every thread of the child and
 * nothing of this process.
 */
function measure(command: string, args: string[], env: NodeJS.ProcessEnv): Measured {
  const cpuBefore = childrenCpuMs();
  const began = performance.now();
  const result = spawnSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const wallMs = performance.now() - began;
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} exited with ${result.status ?? result.signal}: ${result.stderr.slice(-500)}`);
  return { wallMs, cpuMs: childrenCpuMs() - cpuBefore, stdout: result.stdout };
}

let ticksPerSecond: number | undefined;

function childrenCpuMs(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  // Fields after the command name, which is in parentheses and may hold spaces.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 of the whole line, 14 and 15 after the name.
  const ticks = Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / ticksPerSecond;
}

const x = (value: number) => `${value.toFixed(2)}x`;

export function cliStartupSection(result: CliStartupResult): string {
  return [
    '## CLI start-up',
    '',
    `The compiled \`weir\` command (bin/weir.mjs) as a user runs it; ${result.rounds} rounds, the variants alternating. CPU is user + system time charged to the child process, averaged; wall times are medians.`,
    '',
    '| command | weir | baseline | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    `| \`weir --help\`, CPU | ${result.help.weirCpuMs} ms (wall ${result.help.weirWallMs} ms) | \`node -e 0\` ${result.help.nodeCpuMs} ms (wall ${result.help.nodeWallMs} ms) | ${x(result.help.ratio)} | <= 4x |`,
    `| \`weir runs list\` (${result.runsList.runsListed} runs), wall | ${result.runsList.weirMs} ms (CPU ${result.runsList.weirCpuMs} ms) | \`temporal workflow list\` ${result.runsList.temporalMs} ms | ${x(result.runsList.ratio)} | <= 500 ms |`,
  ].join('\n');
}
