import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes the DAG files the benchmarks run and load. They must live inside the repo:
 * `import { dag } from 'weir'` resolves through weir's own package.json.
 */

/** `t000 -> t001 -> ... -> t099`. */
export function chainDagSource(dagId: string, tasks: number): string {
  const lines = [`import { dag } from 'weir';`, '', `export default dag({ id: '${dagId}' })`];
  for (let i = 0; i < tasks; i++) {
    const needs = i === 0 ? '' : `{ needs: ['${taskId(i - 1)}'] }, `;
    lines.push(`  .task('${taskId(i)}', ${needs}async () => null)`);
  }
  return `${lines.join('\n')};\n`;
}

/** `tasks` independent tasks, all ready at once. */
export function fanOutDagSource(dagId: string, tasks: number): string {
  const lines = [`import { dag } from 'weir';`, '', `export default dag({ id: '${dagId}' })`];
  for (let i = 0; i < tasks; i++) lines.push(`  .task('${taskId(i)}', async () => null)`);
  return `${lines.join('\n')};\n`;
}

export async function writeDagFolder(dir: string, files: Record<string, string>): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await Promise.all(Object.entries(files).map(([name, source]) => writeFile(path.join(dir, name), source)));
  return dir;
}

export interface LoadCorpus {
  /** Weir DAG files, as `weir dags validate` would find them. */
  weirDir: string;
  /** The same files built with a do-nothing local builder instead of weir. */
  plainDir: string;
  files: number;
}

/**
 * `files` DAGs of `tasksPerDag` tasks with mixed dependencies (roots, chains, joins), some with
 * schedules and defaults. The plain twin of each file differs only in its import and factory,
 * so both corpora cost tsx and Node's ESM loader the same.
 */
export async function writeLoadCorpus(root: string, files: number, tasksPerDag: number): Promise<LoadCorpus> {
  const weirDir = path.join(root, 'load');
  const plainDir = path.join(root, 'load-plain');
  const random = seededRandom(20_261_126);
  const weirFiles: Record<string, string> = {};
  const plainFiles: Record<string, string> = { '_builder.ts': PLAIN_BUILDER_SOURCE };
  for (let n = 0; n < files; n++) {
    const name = `load_${String(n).padStart(4, '0')}`;
    const body = loadDagBody(name, tasksPerDag, random);
    weirFiles[`${name}.ts`] = `import { dag } from 'weir';\n\nexport default dag(${body}`;
    plainFiles[`${name}.ts`] = `import { plainDag } from './_builder.ts';\n\nexport default plainDag(${body}`;
  }
  await writeDagFolder(weirDir, weirFiles);
  await writeDagFolder(plainDir, plainFiles);
  return { weirDir, plainDir, files };
}

const SCHEDULES = ['@daily', '@hourly', '0 6 * * 1', '*/15 * * * *'];

function loadDagBody(dagId: string, tasks: number, random: () => number): string {
  const config: string[] = [`id: '${dagId}'`, `description: 'generated for the loading benchmark'`];
  if (random() < 0.5) config.push(`schedule: '${SCHEDULES[Math.floor(random() * SCHEDULES.length)]}'`, `timezone: 'UTC'`);
  if (random() < 0.5) config.push(`defaults: { retries: ${1 + Math.floor(random() * 3)}, retryDelay: '30s', timeout: '20m' }`);
  const lines = [`{ ${config.join(', ')} })`];
  for (let i = 0; i < tasks; i++) {
    const needs = pickNeeds(i, random);
    const spec = needs.length === 0 ? '' : `{ needs: [${needs.map((id) => `'${id}'`).join(', ')}]${random() < 0.2 ? `, retries: 2` : ''} }, `;
    lines.push(`  .task('${taskId(i)}', ${spec}async (ctx) => Object.keys(ctx.outputs).length + ${i})`);
  }
  return `${lines.join('\n')};\n`;
}

/** 0 to 3 earlier tasks; the first task and a few others are roots. */
function pickNeeds(index: number, random: () => number): string[] {
  if (index === 0 || random() < 0.1) return [];
  const count = Math.min(index, 1 + Math.floor(random() * 3));
  const chosen = new Set<number>([index - 1]);
  while (chosen.size < count) chosen.add(Math.floor(random() * index));
  return [...chosen].sort((a, b) => a - b).map(taskId);
}

const PLAIN_BUILDER_SOURCE = `/** Records tasks and nothing else: the loading benchmark's baseline for weir's dag(). */
type Body = (ctx: { outputs: Record<string, unknown> }) => unknown;

export interface PlainDag {
  config: Record<string, unknown>;
  tasks: { id: string; spec: Record<string, unknown>; body: Body }[];
  task(id: string, specOrBody: Record<string, unknown> | Body, body?: Body): PlainDag;
}

export function plainDag(config: Record<string, unknown>): PlainDag {
  const built: PlainDag = {
    config,
    tasks: [],
    task(id, specOrBody, body) {
      if (typeof specOrBody === 'function') built.tasks.push({ id, spec: {}, body: specOrBody });
      else if (body) built.tasks.push({ id, spec: specOrBody, body });
      return built;
    },
  };
  return built;
}
`;

function taskId(index: number): string {
  return `t${String(index).padStart(3, '0')}`;
}

/** Deterministic, so every run loads the same corpus. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}
