import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The Kubernetes release the tests' API server and node are built from (Go module proxy). */
export const KUBERNETES_VERSION = 'v1.33.5';
/** Its staging modules (k8s.io/api, k8s.io/client-go, ...) are published as v0.<minor>.<patch>. */
const STAGING_VERSION = 'v0.33.5';

/** One Kubernetes command: its binary name and the cobra constructor in `k8s.io/kubernetes/cmd/<name>/app`. */
export interface KubernetesCommand {
  name: string;
  constructor: string;
}

export class KubernetesBuildError extends Error {
  override readonly name = 'KubernetesBuildError';
  constructor(
    message: string,
    readonly commands: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Builds Kubernetes commands from a generated Go module, since k8s.io/kubernetes cannot be
 * `go install`ed directly, into `outDir/<name>`. The Go build cache is shared, so a second set
 * of commands compiles only what the first did not. Runs `go` at the lowest CPU priority.
 */
export async function buildKubernetesCommands(commands: readonly KubernetesCommand[], outDir: string, log: (line: string) => void): Promise<void> {
  const moduleDir = await mkdtemp(path.join(tmpdir(), 'weir-kube-build-'));
  const names = commands.map((command) => command.name);
  try {
    const goModCache = (await execFileAsync('go', ['env', 'GOMODCACHE'])).stdout.trim();
    const env = { ...process.env, GOFLAGS: '-mod=mod' };
    const go = (args: string[]) => execFileAsync('nice', ['-n', '19', 'go', ...args], { env, cwd: moduleDir, maxBuffer: 64 * 1024 * 1024 });
    log(`building ${names.join(', ')} ${KUBERNETES_VERSION} into ${outDir} (takes minutes)`);
    await go(['mod', 'download', `k8s.io/kubernetes@${KUBERNETES_VERSION}`]);
    // k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging;
    // a module that depends on it must point each one at its published version instead.
    const upstreamMod = readFileSync(path.join(goModCache, 'cache', 'download', 'k8s.io', 'kubernetes', '@v', `${KUBERNETES_VERSION}.mod`), 'utf8');
    const staging = [...upstreamMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map((match) => match[1] as string);
    const goMod = [
      'module weir.local/kubernetes',
      '',
      'go 1.24.0',
      '',
      `require (\n\tk8s.io/kubernetes ${KUBERNETES_VERSION}\n\tk8s.io/component-base ${STAGING_VERSION}\n)`,
      '',
      `replace (\n${staging.map((name) => `\t${name} => ${name} ${STAGING_VERSION}`).join('\n')}\n)`,
      '',
    ].join('\n');
    await writeFile(path.join(moduleDir, 'go.mod'), goMod);
    for (const command of commands) {
      await mkdir(path.join(moduleDir, command.name));
      await writeFile(
        path.join(moduleDir, command.name, 'main.go'),
        `package main\n\nimport (\n\t"os"\n\n\t"k8s.io/component-base/cli"\n\t"k8s.io/kubernetes/cmd/${command.name}/app"\n)\n\nfunc main() {\n\tos.Exit(cli.Run(app.${command.constructor}()))\n}\n`,
      );
    }
    await go(['mod', 'tidy']);
    await mkdir(outDir, { recursive: true });
    // Stamped as a release build does, so `--version` and /version tell the truth.
    const minor = KUBERNETES_VERSION.split('.')[1] ?? '';
    const ldflags = [`gitVersion=${KUBERNETES_VERSION}`, 'gitMajor=1', `gitMinor=${minor}`].map((value) => `-X k8s.io/component-base/version.${value}`).join(' ');
    await go(['build', '-ldflags', ldflags, '-o', `${outDir}${path.sep}`, ...names.map((name) => `./${name}`)]);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' | ') ?? (error as Error).message;
    throw new KubernetesBuildError(`building ${names.join(', ')} ${KUBERNETES_VERSION} failed: ${detail}`, names, { cause: error });
  } finally {
    await rm(moduleDir, { recursive: true, force: true });
  }
}
