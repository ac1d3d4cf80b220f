import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import path from 'node:path';
import { awaitReady, logTail, startLoggedProcess } from './await-ready.ts';
import { buildKubernetesCommands } from './kube-build.ts';
import { freePort } from './ports.ts';
import { projectRoot } from './project-root.ts';

export { KUBERNETES_VERSION } from './kube-build.ts';

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
  try {
    await buildKubernetesCommands([{ name: 'kube-apiserver', constructor: 'NewAPIServerCommand' }], path.dirname(bundled), log);
  } catch (error) {
    throw new KubeApiServerNotFoundError((error as Error).message, [bundled], { cause: error });
  }
  return bundled;
}

export interface KubeApiServer {
  /** `https://127.0.0.1:<port>` (self-signed certificate). */
  server: string;
  /** A static token of a `system:masters` user. */
  token: string;
  /** A kubeconfig file for that user. */
  kubeconfigPath: string;
  /** The self-signed serving certificate, which is also its own CA (for `--root-ca-file`). */
  servingCertPath: string;
  /** The key service account tokens are signed with (for the controller-manager). */
  serviceAccountKeyPath: string;
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
  const certDir = path.join(options.dir, 'certs');
  const apiLog = path.join(options.dir, 'kube-apiserver.log');
  const apiserver = startLoggedProcess(
    options.binary,
    [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${securePort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${verifyKey}`,
      `--service-account-signing-key-file=${signingKey}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      '--service-cluster-ip-range=10.96.0.0/24',
      // A test node (infra/kube-node/) has no resolvable host name: reach its kubelet by IP.
      '--kubelet-preferred-address-types=InternalIP',
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
  return { server, token, kubeconfigPath, servingCertPath: path.join(certDir, 'apiserver.crt'), serviceAccountKeyPath: signingKey, stop: stopBoth };
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
