import { execFile } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildKubernetesCommands, KUBERNETES_VERSION } from '../kube-build.ts';
import { projectRoot } from '../project-root.ts';

const run = promisify(execFile);

/** The node's own binaries; containerd, runc and the CNI plugins come from Debian. */
export interface KubeNodeBinaries {
  kubelet: string;
  controllerManager: string;
  scheduler: string;
  /** Kubernetes' pod sandbox process, statically linked. */
  pause: string;
}

export class KubeNodeNotFoundError extends Error {
  override readonly name = 'KubeNodeNotFoundError';
  constructor(
    message: string,
    readonly binDir: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Where Weir keeps its own build of the node binaries; `WEIR_KUBE_NODE_BIN_DIR` overrides it. */
export function kubeNodeBinDir(): string {
  return process.env.WEIR_KUBE_NODE_BIN_DIR || path.join(projectRoot(), '.weir', 'kube-node', 'bin');
}

function binariesIn(dir: string): KubeNodeBinaries {
  return {
    kubelet: path.join(dir, 'kubelet'),
    controllerManager: path.join(dir, 'kube-controller-manager'),
    scheduler: path.join(dir, 'kube-scheduler'),
    pause: path.join(dir, 'pause'),
  };
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(() => true, () => false);
}

/**
 * Finds the kubelet, kube-controller-manager, kube-scheduler and pause binaries. With
 * `install`, builds the missing ones: the three commands from the Go module proxy (the same
 * release as kube-apiserver, sharing its Go build cache) and `pause` from the C source in
 * the k8s.io/kubernetes module, with gcc.
 */
export async function resolveKubeNodeBinaries(options: { install?: boolean; log?: (line: string) => void } = {}): Promise<KubeNodeBinaries> {
  const dir = kubeNodeBinDir();
  const binaries = binariesIn(dir);
  const missing: string[] = [];
  for (const [key, file] of Object.entries(binaries)) if (!(await isExecutable(file))) missing.push(key);
  if (missing.length === 0) return binaries;
  if (!options.install) {
    throw new KubeNodeNotFoundError(`the Kubernetes node binaries (kubelet, kube-controller-manager, kube-scheduler, pause) are not all in ${dir}; build them with: npx tsx infra/install-kube-node.ts`, dir);
  }
  const log = options.log ?? (() => {});
  try {
    const commands = [
      { key: 'kubelet', name: 'kubelet', constructor: 'NewKubeletCommand' },
      { key: 'controllerManager', name: 'kube-controller-manager', constructor: 'NewControllerManagerCommand' },
      { key: 'scheduler', name: 'kube-scheduler', constructor: 'NewSchedulerCommand' },
    ].filter((command) => missing.includes(command.key));
    if (commands.length > 0) await buildKubernetesCommands(commands, dir, log);
    if (missing.includes('pause')) await buildPause(binaries.pause, log);
  } catch (error) {
    throw new KubeNodeNotFoundError((error as Error).message, dir, { cause: error });
  }
  return binaries;
}

async function buildPause(target: string, log: (line: string) => void): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const { stdout } = await run('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${KUBERNETES_VERSION}`], { cwd: path.dirname(target), maxBuffer: 16 * 1024 * 1024 });
  const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const source = path.join(moduleDir, 'build', 'pause', 'linux', 'pause.c');
  log(`building pause from ${source}`);
  await run('gcc', ['-Os', '-static', '-DVERSION=weir', '-o', target, source]);
}
