import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { awaitReady, logTail, startLoggedProcess, type LoggedProcess } from '../await-ready.ts';
import type { KubeApiServer } from '../kube-apiserver.ts';
import { findExecutable } from '../podman/binaries.ts';
import { freePort } from '../ports.ts';
import { removeCgroups, restoreSysctls, saveKubeletSysctls, unmountUnder } from './host-cleanup.ts';
import { importNodeImages, PAUSE_IMAGE } from './images.ts';
import type { KubeNodeBinaries } from './install.ts';

const run = promisify(execFile);

/** A component of the test node did not start; its log says why. */
export class KubeNodeStartError extends Error {
  override readonly name = 'KubeNodeStartError';
  constructor(
    readonly component: string,
    readonly logFile: string,
    detail: string,
  ) {
    super(`${component} did not start (${detail}); see ${logFile}`);
  }
}

export interface KubeNode {
  /** The Node object's name. */
  nodeName: string;
  stop(): Promise<void>;
}

export interface StartKubeNodeOptions {
  apiServer: KubeApiServer;
  binaries: KubeNodeBinaries;
  /** containerd's and the kubelet's state, the CNI config and every log go in here. Keep it short: containerd's socket lives in it. */
  dir: string;
  /** Default `weir-test-node`. */
  nodeName?: string;
  /** Default 180 s: the kubelet's first start on a loaded machine is slow. */
  readyTimeoutMs?: number;
}

// The kubelet's cgroups, under every hierarchy's root (cgroupfs driver).
const KUBEPODS_CGROUP = 'kubepods';
// A /24 for the pods' point-to-point links; no other tool here uses it.
const POD_SUBNET = '10.244.77.0/24';
/**
 * The node's address. The kubelet refuses a loopback one, so it gets a private address on a
 * bridge of its own with no ports (the kernel may lack the dummy driver): reachable from this
 * machine only, like 127.0.0.1.
 */
const NODE_INTERFACE = 'weirkube0';
const NODE_IP = '10.244.76.1';

/**
 * Starts a real one-node cluster around a running kube-apiserver: containerd (Debian's, with
 * runc and the CNI plugins), kube-controller-manager (Job controller, garbage collector, service
 * accounts), kube-scheduler and a kubelet, and waits until the node is Ready. Images come from
 * no registry: `pause` and busybox are built here and imported (`weir.local/busybox:1`).
 * Needs root. `stop()` deletes every container, mount and cgroup it made and restores the
 * kernel settings the kubelet changes.
 *
 * @example
 * const node = await startKubeNode({ apiServer, binaries: await resolveKubeNodeBinaries(), dir: '/tmp/kn' });
 */
export async function startKubeNode(options: StartKubeNodeOptions): Promise<KubeNode> {
  const dir = path.resolve(options.dir);
  const { apiServer, binaries } = options;
  const ctrBinary = requireTool('ctr');
  const containerdBinary = requireTool('containerd');
  const busyboxBinary = requireTool('busybox');
  for (const sub of ['cni-conf', 'cni-ipam', 'containerd-root', 'containerd-state', 'kubelet', 'pod-logs']) await mkdir(path.join(dir, sub), { recursive: true });
  const processes: { name: string; process: LoggedProcess }[] = [];
  const socket = path.join(dir, 'containerd.sock');
  const ctr = { binary: ctrBinary, address: socket };
  const sysctls = await saveKubeletSysctls();

  const stop = async (): Promise<void> => {
    // The kubelet first, so it restarts nothing while the containers are removed.
    for (const { process } of [...processes].reverse().filter(({ name }) => name !== 'containerd')) await process.stop();
    await removeAllContainers(ctr).catch(() => {});
    for (const { process } of processes.filter(({ name }) => name === 'containerd')) await process.stop();
    await unmountUnder(dir);
    await removeCgroups(KUBEPODS_CGROUP);
    await restoreSysctls(sysctls);
    await run('ip', ['link', 'delete', NODE_INTERFACE]).catch(() => {});
  };

  const started = async (name: string, binary: string, args: string[], probe: () => Promise<string | null>, timeoutMs: number): Promise<void> => {
    const logFile = path.join(dir, `${name}.log`);
    const process = startLoggedProcess(binary, args, { logFile });
    processes.push({ name, process });
    const notReady = await awaitReady(process, probe, { timeoutMs, intervalMs: 500 });
    if (notReady !== null) throw new KubeNodeStartError(name, logFile, `${JSON.stringify(notReady)}; last lines:\n${await logTail(logFile, 30)}`);
  };

  try {
    await addNodeAddress();
    await writeFile(path.join(dir, 'cni-conf', '10-weir.conflist'), JSON.stringify(cniConfig(path.join(dir, 'cni-ipam')), null, 2));
    await writeFile(path.join(dir, 'containerd.toml'), containerdConfig(dir, socket));
    await started('containerd', containerdBinary, ['--config', path.join(dir, 'containerd.toml')], async () => {
      await run(ctrBinary, ['--address', socket, 'version']);
      return null;
    }, 30_000);
    await importNodeImages(ctr, dir, { pauseBinary: binaries.pause, busyboxBinary });

    await started(
      'kube-controller-manager',
      binaries.controllerManager,
      [
        `--kubeconfig=${apiServer.kubeconfigPath}`,
        '--leader-elect=false',
        '--secure-port=0',
        `--root-ca-file=${apiServer.servingCertPath}`,
        `--service-account-private-key-file=${apiServer.serviceAccountKeyPath}`,
        // What a Job needs, and no more: the machine is shared.
        '--controllers=job-controller,garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller,root-ca-certificate-publisher-controller,pod-garbage-collector-controller,namespace-controller,node-lifecycle-controller,ttl-after-finished-controller',
      ],
      async () => null,
      5_000,
    );
    await started('kube-scheduler', binaries.scheduler, [`--kubeconfig=${apiServer.kubeconfigPath}`, '--leader-elect=false', '--secure-port=0'], async () => null, 5_000);

    const nodeName = options.nodeName ?? 'weir-test-node';
    const [kubeletPort, healthzPort] = [await freePort(), await freePort()];
    await writeFile(path.join(dir, 'kubelet.yaml'), kubeletConfig({ socket, kubeletPort, healthzPort, podLogsDir: path.join(dir, 'pod-logs') }));
    const timeoutMs = options.readyTimeoutMs ?? 180_000;
    await started(
      'kubelet',
      binaries.kubelet,
      [
        `--config=${path.join(dir, 'kubelet.yaml')}`,
        `--kubeconfig=${apiServer.kubeconfigPath}`,
        `--root-dir=${path.join(dir, 'kubelet')}`,
        `--hostname-override=${nodeName}`,
        `--node-ip=${NODE_IP}`,
      ],
      () => nodeReady(apiServer, nodeName),
      timeoutMs,
    );
    return { nodeName, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The portless bridge with the node's address; one left by a crashed run is replaced. */
async function addNodeAddress(): Promise<void> {
  await run('ip', ['link', 'delete', NODE_INTERFACE]).catch(() => {});
  await run('ip', ['link', 'add', NODE_INTERFACE, 'type', 'bridge']);
  await run('ip', ['address', 'add', `${NODE_IP}/32`, 'dev', NODE_INTERFACE]);
  await run('ip', ['link', 'set', NODE_INTERFACE, 'up']);
}

function requireTool(name: string): string {
  const found = findExecutable(name);
  if (found === null) throw new KubeNodeStartError(name, '-', `${name} is not installed; apt-get install -y containerd busybox-static containernetworking-plugins`);
  return found;
}

/** Null once the Node reports Ready, else its Ready condition's message. */
function nodeReady(apiServer: KubeApiServer, nodeName: string): Promise<string | null> {
  return new Promise((resolve) => {
    // The serving certificate is self-signed by kube-apiserver itself.
    const req = request(`${apiServer.server}/api/v1/nodes/${nodeName}`, { headers: { authorization: `Bearer ${apiServer.token}` }, rejectUnauthorized: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) return resolve(`node ${nodeName}: HTTP ${response.statusCode}`);
        const node = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: { conditions?: { type: string; status: string; message?: string }[] } };
        const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
        resolve(ready?.status === 'True' ? null : `node ${nodeName} not ready: ${ready?.message ?? 'no Ready condition yet'}`);
      });
    });
    req.on('error', (error) => resolve(error.message));
    req.end();
  });
}

/** Kills and deletes every container containerd runs for the kubelet (their shims outlive containerd otherwise). */
async function removeAllContainers(ctr: { binary: string; address: string }): Promise<void> {
  const ctrArgs = ['--address', ctr.address, '--namespace', 'k8s.io'];
  const { stdout } = await run(ctr.binary, [...ctrArgs, 'containers', 'list', '--quiet']);
  for (const id of stdout.split('\n').map((line) => line.trim()).filter(Boolean)) {
    await run(ctr.binary, [...ctrArgs, 'tasks', 'kill', '--signal', 'SIGKILL', id]).catch(() => {});
    await run(ctr.binary, [...ctrArgs, 'tasks', 'delete', '--force', id]).catch(() => {});
    await run(ctr.binary, [...ctrArgs, 'containers', 'delete', id]).catch(() => {});
  }
}

function cniConfig(ipamDir: string): unknown {
  return {
    cniVersion: '0.4.0',
    name: 'weir-kube',
    plugins: [{ type: 'ptp', ipMasq: false, ipam: { type: 'host-local', dataDir: ipamDir, ranges: [[{ subnet: POD_SUBNET }]], routes: [{ dst: '0.0.0.0/0' }] } }],
  };
}

function containerdConfig(dir: string, socket: string): string {
  return `version = 2
root = "${path.join(dir, 'containerd-root')}"
state = "${path.join(dir, 'containerd-state')}"
[grpc]
  address = "${socket}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # Network namespaces under the state dir, so stopping the node unmounts them all.
  netns_mounts_under_state_dir = true
  # Never below containerd's own OOM score: lowering it needs CAP_SYS_RESOURCE, which a
  # container host (like this CI machine) may not grant even to root.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${path.join(dir, 'runc')}"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${path.join(dir, 'cni-conf')}"
`;
}

function kubeletConfig(options: { socket: string; kubeletPort: number; healthzPort: number; podLogsDir: string }): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NODE_IP}
port: ${options.kubeletPort}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${options.healthzPort}
# The API server reaches the kubelet (pod logs) without a client certificate; both are on this machine only.
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
containerRuntimeEndpoint: unix://${options.socket}
cgroupDriver: cgroupfs
failSwapOn: false
failCgroupV1: false
podLogsDir: ${options.podLogsDir}
# Images cannot be pulled again here: never garbage-collect them, and evict only when nearly full.
imageGCHighThresholdPercent: 100
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  imagefs.available: 1%
  nodefs.inodesFree: 1%
maxPods: 20
`;
}
