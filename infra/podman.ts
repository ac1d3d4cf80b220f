import { mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { awaitReady, logTail, startLoggedProcess } from './await-ready.ts';
import { requireExecutable } from './podman/binaries.ts';
import { renderContainersConf } from './podman/containers-conf.ts';

export { ensureBusyboxImage, BUSYBOX_IMAGE, type BusyboxImageOptions } from './podman/busybox-image.ts';
export { PodmanSetupError, PODMAN_APT_PACKAGES } from './podman/binaries.ts';

export interface PodmanServiceOptions {
  /** Holds containers.conf, the API socket and the service log. */
  stateDir: string;
  podmanBinary?: string;
  /** Default 30 s. */
  startTimeoutMs?: number;
}

export interface PodmanService {
  /** Unix socket serving the Docker Engine API (`new Docker({ socketPath })`). */
  socketPath: string;
  /** Pass as CONTAINERS_CONF to podman commands so they match the service. */
  containersConf: string;
  logFile: string;
  /** Stops the service if this call started it; a service found running is left alone. */
  stop(): Promise<void>;
}

export class PodmanServiceStartError extends Error {
  override readonly name = 'PodmanServiceStartError';
  constructor(
    message: string,
    readonly socketPath: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- last lines of ${logFile} ---\n${logTail}`);
  }
}

// sun_path holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH = 107;

/**
 * Serves podman's Docker-compatible API on a socket in `stateDir`, for the Docker training
 * runner and its tests on machines without a Docker engine. Reuses a service that already
 * answers there.
 *
 * @example
 * const podman = await ensurePodmanService({ stateDir: '/tmp/weir-podman' });
 * const docker = new Docker({ socketPath: podman.socketPath });
 * await podman.stop();
 */
export async function ensurePodmanService(options: PodmanServiceOptions): Promise<PodmanService> {
  const podman = requireExecutable('podman', options.podmanBinary);
  requireExecutable('runc');
  const stateDir = path.resolve(options.stateDir);
  const socketPath = path.join(stateDir, 'podman.sock');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new Error(`podman socket path ${socketPath} is longer than the ${MAX_SOCKET_PATH} bytes a unix socket allows; use a shorter stateDir`);
  }
  const containersConf = path.join(stateDir, 'containers.conf');
  const logFile = path.join(stateDir, 'podman-service.log');
  await mkdir(stateDir, { recursive: true });
  await writeFile(containersConf, renderContainersConf());

  const alreadyRunning = (await ping(socketPath)) === null;
  if (alreadyRunning) return { socketPath, containersConf, logFile, stop: async () => {} };

  await rm(socketPath, { force: true });
  const service = startLoggedProcess(podman, ['system', 'service', '--time=0', `unix://${socketPath}`], {
    logFile,
    env: { ...process.env, CONTAINERS_CONF: containersConf },
  });
  const stop = async () => {
    await service.stop();
    await rm(socketPath, { force: true });
  };

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const notReady = await awaitReady(service, () => ping(socketPath), { timeoutMs, intervalMs: 100 });
  if (notReady === null) return { socketPath, containersConf, logFile, stop };
  await stop();
  const why = 'exited' in notReady ? notReady.exited : `did not answer /_ping within ${timeoutMs} ms (${notReady.timedOut})`;
  throw new PodmanServiceStartError(`podman system service on ${socketPath} ${why}`, socketPath, logFile, await logTail(logFile, 30));
}

/** null when the API answers `GET /_ping` with OK, else what went wrong. */
function ping(socketPath: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK' ? null : `HTTP ${res.statusCode ?? '?'}: ${body.slice(0, 200)}`));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve(error.message));
    req.end();
  });
}
