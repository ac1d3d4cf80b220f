import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access, constants, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { awaitReady, logTail, startLoggedProcess } from './await-ready.ts';
import { freePort } from './ports.ts';
import { projectRoot } from './project-root.ts';

const execFileAsync = promisify(execFile);

/** The Kubernetes release the tests' API server is built from (Go module proxy). */
export const KUBERNETES_VERSION = 'v1.33.5';
/** Its staging modules (k8s.io/api, k8s.io/client-go, ...) are published as v0.<minor>.<patch>. */
const STAGING_VERSION = 'v0.33.5';

export class KubeApiServerNotFoundError extends Error {
  override readonly name = 'KubeApiServerNotFoundError';
  constructor(message: string, readonly searched: readonly string[], options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Where Weir keeps its own build of kube-apiserver. */
export function bundledKubeApiServerBinary(): string {
  return path.join(projectRoot(), '.weir', 'kube-apiserver', 'bin', 'kube-apiserver');
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(() => true, () => false);
}

/**
 * Finds `kube-apiserver`: `$WEIR_KUBE_APISERVER_BIN`, then Weir's own build under
 * `.weir/kube-apiserver`. With `install`, builds it from the Go module proxy (about 17 minutes on
 * 2 cores with a cold cache) when neither exists.
 */
export async function resolveKubeApiServerBinary(options: { install?: boolean; log?: (line: string) => void } = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const configured = process.env.WEIR_KUBE_APISERVER_BIN;
  if (configured) {
    if (await isExecutable(configured)) return configured;
    throw new KubeApiServerNotFoundError(`WEIR_KUBE_APISERVER_BIN is set to ${configured}, which is not an executable file`, [configured]);
  }
  const bundled = bundledKubeApiServerBinary();
  if (await isExecutable(bundled)) return bundled;
  if (!options.install) {
    throw new KubeApiServerNotFoundError(`kube-apiserver (the API server the Kubernetes runner tests use) was not found at ${bundled}; build it with: npx tsx infra/install-kube-apiserver.ts`, [bundled]);
  }
  await buildKubeApiServer(bundled, log);
  return bundled;
}

/** Builds kube-apiserver from a generated Go module, since k8s.io/kubernetes cannot be `go install`ed directly. */
async function buildKubeApiServer(target: string, log: (line: string) => void): Promise<void> {
  const moduleDir = await mkdtemp(path.join(tmpdir(), 'weir-kas-build-'));
  try {
    const goModCache = (await execFileAsync('go', ['env', 'GOMODCACHE'])).stdout.trim();
    const env = { ...process.env, GOFLAGS: '-mod=mod' };
    log(`building kube-apiserver ${KUBERNETES_VERSION} into ${path.dirname(target)} (takes minutes)`);
    await execFileAsync('go', ['mod', 'download', `k8s.io/kubernetes@${KUBERNETES_VERSION}`], { env, cwd: moduleDir });
    // k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging;
    // a module that depends on it must point each one at its published version instead.
    const upstreamMod = readFileSync(path.join(goModCache, 'cache', 'download', 'k8s.io', 'kubernetes', '@v', `${KUBERNETES_VERSION}.mod`), 'utf8');
    const staging = [...upstreamMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+=>\s+\.\/staging\//gm)].map((match) => match[1] as string);
    const goMod = [
      'module weir.local/kubeapiserver',
      '',
      'go 1.24.0',
      '',
      `require (\n\tk8s.io/kubernetes ${KUBERNETES_VERSION}\n\tk8s.io/component-base ${STAGING_VERSION}\n)`,
      '',
      `replace (\n${staging.map((name) => `\t${name} => ${name} ${STAGING_VERSION}`).join('\n')}\n)`,
      '',
    ].join('\n');
    await writeFile(path.join(moduleDir, 'go.mod'), goMod);
    await writeFile(
      path.join(moduleDir, 'main.go'),
      'package main\n\nimport (\n\t"os"\n\n\t"k8s.io/component-base/cli"\n\t"k8s.io/kubernetes/cmd/kube-apiserver/app"\n)\n\nfunc main() {\n\tos.Exit(cli.Run(app.NewAPIServerCommand()))\n}\n',
    );
    await execFileAsync('go', ['mod', 'tidy'], { env, cwd: moduleDir, maxBuffer: 64 * 1024 * 1024 });
    await mkdir(path.dirname(target), { recursive: true });
    // Stamped as a release build does, so `kube-apiserver --version` and /version tell the truth.
    const minor = KUBERNETES_VERSION.split('.')[1] ?? '';
    const ldflags = [`gitVersion=${KUBERNETES_VERSION}`, 'gitMajor=1', `gitMinor=${minor}`].map((value) => `-X k8s.io/component-base/version.${value}`).join(' ');
    await execFileAsync('go', ['build', '-ldflags', ldflags, '-o', target, '.'], { env, cwd: moduleDir, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' | ') ?? (error as Error).message;
    throw new KubeApiServerNotFoundError(`building kube-apiserver ${KUBERNETES_VERSION} failed: ${detail}`, [target], { cause: error });
  } finally {
    await rm(moduleDir, { recursive: true, force: true });
  }
}

export interface KubeApiServer {
  /** `https://127.0.0.1:<port>` (self-signed certificate). */
  server: string;
  /** A static token of a `system:masters` user. */
  token: string;
  /** A kubeconfig file for that user. */
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export interface StartKubeApiServerOptions {
  binary: string;
  /** etcd's data, keys, certificates and logs go in here. */
  dir: string;
  /** Default `etcd` on PATH (Debian's `etcd-server`). */
  etcdBinary?: string;
}

/**
 * Starts etcd and kube-apiserver on free 127.0.0.1 ports (no kubelet, scheduler or
 * controllers: objects are stored and validated, but no pod ever runs), waits until `/readyz`
 * answers, and writes a kubeconfig for a static admin token.
 *
 * @example
 * const kube = await startKubeApiServer({ binary: await resolveKubeApiServerBinary(), dir: '/tmp/kube' });
 */
export async function startKubeApiServer(options: StartKubeApiServerOptions): Promise<KubeApiServer> {
  await mkdir(options.dir, { recursive: true });
  const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${clientPort}`;
  const etcdLog = path.join(options.dir, 'etcd.log');
  const etcd = startLoggedProcess(
    options.etcdBinary ?? 'etcd',
    [
      '--data-dir', path.join(options.dir, 'etcd-data'),
      '--listen-client-urls', etcdUrl,
      '--advertise-client-urls', etcdUrl,
      '--listen-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-cluster', `default=http://127.0.0.1:${peerPort}`,
    ],
    { logFile: etcdLog },
  );
  const etcdNotReady = await awaitReady(etcd, async () => ((await fetch(`${etcdUrl}/health`)).ok ? null : 'unhealthy'), { timeoutMs: 30_000, intervalMs: 200 });
  if (etcdNotReady !== null) {
    await etcd.stop();
    throw new Error(`etcd did not start (${JSON.stringify(etcdNotReady)}); log ${etcdLog}:\n${await logTail(etcdLog, 20)}`);
  }

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = path.join(options.dir, 'sa.key');
  const verifyKey = path.join(options.dir, 'sa.pub');
  await writeFile(signingKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(verifyKey, publicKey.export({ type: 'spki', format: 'pem' }));
  const token = randomBytes(24).toString('hex');
  const tokenFile = path.join(options.dir, 'tokens.csv');
  await writeFile(tokenFile, `${token},weir-admin,weir-admin,"system:masters"\n`, { mode: 0o600 });

  const server = `https://127.0.0.1:${securePort}`;
  const apiLog = path.join(options.dir, 'kube-apiserver.log');
  const apiserver = startLoggedProcess(
    options.binary,
    [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${securePort}`,
      `--cert-dir=${path.join(options.dir, 'certs')}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${verifyKey}`,
      `--service-account-signing-key-file=${signingKey}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      '--service-cluster-ip-range=10.96.0.0/24',
    ],
    { logFile: apiLog },
  );
  const stopBoth = async () => {
    await apiserver.stop();
    await etcd.stop();
  };
  const notReady = await awaitReady(apiserver, () => readyz(server, token), { timeoutMs: 120_000, intervalMs: 500 });
  if (notReady !== null) {
    await stopBoth();
    throw new Error(`kube-apiserver did not become ready (${JSON.stringify(notReady)}); log ${apiLog}:\n${await logTail(apiLog, 30)}`);
  }
  const kubeconfigPath = path.join(options.dir, 'kubeconfig.yaml');
  await writeFile(kubeconfigPath, kubeconfig(server, token), { mode: 0o600 });
  return { server, token, kubeconfigPath, stop: stopBoth };
}

function readyz(server: string, token: string): Promise<string | null> {
  return new Promise((resolve) => {
    // The serving certificate is self-signed by kube-apiserver itself at start-up.
    const req = request(`${server}/readyz`, { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? null : `readyz answered ${response.statusCode}`);
    });
    req.on('error', (error) => resolve(error.message));
    req.end();
  });
}

function kubeconfig(server: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: weir-test',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: weir-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: weir-test',
    '  context:',
    '    cluster: weir-test',
    '    user: weir-admin',
    '    namespace: default',
    'current-context: weir-test',
    '',
  ].join('\n');
}
