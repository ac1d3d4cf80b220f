import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TS from 'typescript';
import type { DagProblem } from './errors.ts';

export interface TypecheckResult {
  problems: DagProblem[];
  /** Why no check ran (no `typescript` in the project), else undefined. */
  skipped?: string;
  /** The TypeScript version that checked, e.g. "6.0.3". */
  version?: string;
}

/** Options used when the project has no tsconfig.json: strict, and the imports DAG files write. */
const DEFAULT_OPTIONS: TS.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  esModuleInterop: true,
};

/**
 * Typechecks DAG files with the TypeScript of the project that holds them (the `typescript`
 * package resolved from the DAGs folder), under the project's tsconfig.json when there is one.
 * Only errors inside the DAGs folder are reported: the project's other code is not ours to judge.
 */
export function typecheckDagFiles(files: readonly string[], dagsDir: string): TypecheckResult {
  const found = findProjectTypescript(dagsDir);
  if (typeof found === 'string') return { problems: [], skipped: found };
  const ts = found;
  const options = projectOptions(ts, dagsDir);
  const program = ts.createProgram({ rootNames: [...files], options: { ...options, noEmit: true } });
  const root = path.resolve(dagsDir) + path.sep;
  const problems: DagProblem[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (diagnostic.category !== ts.DiagnosticCategory.Error || !diagnostic.file) continue;
    const file = path.resolve(diagnostic.file.fileName);
    if (!file.startsWith(root) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ').replace(/\s+/g, ' ');
    problems.push({ file: `${path.relative(dagsDir, file)}:${line + 1}:${character + 1}`, message: `type error TS${diagnostic.code}: ${message}` });
  }
  return { problems, version: ts.version };
}

export function resolveProjectTypescript(dagsDir: string): typeof TS | undefined {
  const found = findProjectTypescript(dagsDir);
  return typeof found === 'string' ? undefined : found;
}

/** The project's TypeScript compiler API, or why there is none Weir can call. */
function findProjectTypescript(dagsDir: string): typeof TS | string {
  let ts: Partial<typeof TS>;
  try {
    const require = createRequire(path.join(path.resolve(dagsDir), 'weir-typecheck.js'));
    ts = require('typescript') as Partial<typeof TS>;
  } catch {
    return 'no `typescript` package in the project; install it to typecheck DAG files';
  }
  // TypeScript 7 (the native compiler) no longer offers the JavaScript compiler API.
  if (typeof ts.createProgram !== 'function' || typeof ts.findConfigFile !== 'function') {
    return `the project's typescript ${ts.version ?? '(unknown version)'} has no JavaScript compiler API (TypeScript 5 or 6 has); run its \`tsc --noEmit\` instead`;
  }
  return ts as typeof TS;
}

function projectOptions(ts: typeof TS, dagsDir: string): TS.CompilerOptions {
  const configFile = ts.findConfigFile(path.resolve(dagsDir), (file) => ts.sys.fileExists(file));
  if (!configFile) return { ...DEFAULT_OPTIONS, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 };
  const read = ts.readConfigFile(configFile, (file) => ts.sys.readFile(file));
  if (read.error) return { ...DEFAULT_OPTIONS };
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile));
  return parsed.options;
}

/**
 * The typecheck of a folder whose sources, tsconfig and TypeScript version are unchanged is the
 * same: its problems are kept under the cache folder, keyed by a hash of all of them.
 */
export async function typecheckDagFilesCached(files: readonly string[], dagsDir: string, cacheDir: string): Promise<TypecheckResult> {
  const ts = resolveProjectTypescript(dagsDir);
  if (!ts) return typecheckDagFiles(files, dagsDir);
  const key = await typecheckKey(ts, files, dagsDir);
  const cacheFile = path.join(cacheDir, `typecheck-${key}.json`);
  try {
    return JSON.parse(await readFile(cacheFile, 'utf8')) as TypecheckResult;
  } catch {
    // Not checked in this state yet.
  }
  const result = typecheckDagFiles(files, dagsDir);
  await mkdir(cacheDir, { recursive: true });
  const scratch = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(scratch, JSON.stringify(result));
  await rename(scratch, cacheFile);
  return result;
}

async function typecheckKey(ts: typeof TS, files: readonly string[], dagsDir: string): Promise<string> {
  const hash = createHash('sha256').update(`typescript ${ts.version}\n`);
  const configFile = ts.findConfigFile(path.resolve(dagsDir), (file) => ts.sys.fileExists(file));
  if (configFile) hash.update(`${configFile}\n${await readFile(configFile, 'utf8')}\n`);
  // Every source in the folder, helpers included, not only the DAG files.
  const entries = await readdir(dagsDir, { withFileTypes: true, recursive: true });
  const sources = entries
    .filter((entry) => entry.isFile() && /\.(m|c)?[jt]sx?$|\.json$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.split(path.sep).includes('node_modules'))
    .sort();
  const contents = await Promise.all(sources.map((file) => readFile(file)));
  sources.forEach((file, i) => hash.update(`${file}\n`).update(contents[i] as Buffer));
  hash.update([...files].sort().join('\n'));
  return hash.digest('hex').slice(0, 24);
}
