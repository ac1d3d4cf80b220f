import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import { ContainerImageMissingError, InvalidTrainingJobError, TrainingFailedError } from './errors.ts';
import { inputVariable, type ContainerRunner, type JobContext, type JobResult, type TrainingJob } from './job.ts';
import { JobLogSink, startHeartbeats, type JobStream } from './log-sink.ts';
import { collectOutputs } from './outputs.ts';
import { resolveJobEnv } from './secrets.ts';

export interface DockerRunnerOptions {
  /** Docker Engine API socket (Docker, or `podman system service`). Default: dockerode's (DOCKER_HOST, /var/run/docker.sock). */
  socketPath?: string;
  /** A ready client; wins over socketPath. */
  docker?: Docker;
  /** Default 2 s. */
  heartbeatIntervalMs?: number;
  /** Seconds between SIGTERM and SIGKILL when a job is cancelled. Default 5. */
  stopGraceSeconds?: number;
  /** For example `none` to keep training jobs off the network. Default: the engine's. */
  networkMode?: string;
  /** Where the output folder appears in the container (`OUTPUT_DIR`). Default `/weir/output`. */
  outputMountPath?: string;
  /** Where `secretEnv` names are read. Default `process.env`, read at each run. */
  secretSource?: Record<string, string | undefined>;
}

/** Labels on every container, so a later attempt can find what a crashed worker left running. */
export const LABEL_RUN = 'weir.run';
export const LABEL_TASK = 'weir.task';
export const LABEL_ATTEMPT = 'weir.attempt';
export const LABEL_JOB = 'weir.job';

// Docker exits after its log stream; podman sometimes holds a followed stream open a moment longer.
const LOG_DRAIN_MS = 5_000;

/**
 * Runs a job in a container through the Docker Engine API, with the inputs bind-mounted
 * read-only, the output folder read-write, and CPU and memory limits. The container is
 * always removed afterwards. Images are never pulled: they must already be on the engine.
 *
 * @example
 * const runner = new DockerRunner({ socketPath: '/run/podman/podman.sock', networkMode: 'none' });
 * const result = await runner.run({ ...job, image: 'ghcr.io/acme/trainer:1.4' }, { signal, heartbeat, log });
 */
export class DockerRunner implements ContainerRunner {
  readonly kind = 'docker';
  readonly docker: Docker;
  private readonly engine: string;

  constructor(private readonly options: DockerRunnerOptions = {}) {
    this.docker = options.docker ?? new Docker(options.socketPath === undefined ? undefined : { socketPath: options.socketPath });
    this.engine = options.socketPath ?? process.env.DOCKER_HOST ?? 'the default Docker socket';
  }

  /** Containers of any attempt of this run's task, running or not. */
  async containersOf(runId: string, taskId: string): Promise<Docker.ContainerInfo[]> {
    const filters = JSON.stringify({ label: [`${LABEL_RUN}=${runId}`, `${LABEL_TASK}=${taskId}`] });
    return this.docker.listContainers({ all: true, filters });
  }

  async run(job: TrainingJob, context: JobContext): Promise<JobResult> {
    const { signal, log } = context;
    signal.throwIfAborted();
    for (const orphan of await this.containersOf(job.runId, job.taskId)) {
      log.warn(`removing container ${orphan.Names[0] ?? orphan.Id} left by an earlier attempt (${orphan.State})`, { job: job.name });
      await this.docker.getContainer(orphan.Id).remove({ force: true, v: true });
    }

    if (job.image === undefined) throw new InvalidTrainingJobError(job.name, 'image', 'is required by the Docker runner');
    const [program, ...args] = job.command;
    if (program === undefined) throw new InvalidTrainingJobError(job.name, 'command', 'is empty');
    const { env, secretValues } = resolveJobEnv(job, this.options.secretSource ?? process.env);
    const outputMount = this.options.outputMountPath ?? '/weir/output';
    const containerEnv: Record<string, string> = {};
    for (const input of job.inputs ?? []) containerEnv[inputVariable(input)] = input.containerPath;
    Object.assign(containerEnv, env, { OUTPUT_DIR: outputMount, WEIR_JOB_NAME: job.name });

    await mkdir(job.outputDir, { recursive: true });
    const binds = (job.inputs ?? []).map((input) => `${path.resolve(input.hostPath)}:${input.containerPath}:ro`);
    binds.push(`${path.resolve(job.outputDir)}:${outputMount}:rw`);
    const spec: Docker.ContainerCreateOptions = {
      name: job.name,
      Image: job.image,
      // The command runs exactly as written, as under the local runner, whatever the image's entrypoint.
      Entrypoint: [program],
      Cmd: args,
      Env: Object.entries(containerEnv).map(([name, value]) => `${name}=${value}`),
      ...(job.workingDir === undefined ? {} : { WorkingDir: job.workingDir }),
      Labels: { [LABEL_RUN]: job.runId, [LABEL_TASK]: job.taskId, [LABEL_ATTEMPT]: String(job.attempt), [LABEL_JOB]: job.key },
      HostConfig: {
        Binds: binds,
        ...(job.cpuLimit === undefined ? {} : { NanoCpus: Math.round(job.cpuLimit * 1e9) }),
        // Swap equal to memory: a job over its limit is killed rather than slowed to a crawl.
        ...(job.memoryLimitBytes === undefined ? {} : { Memory: job.memoryLimitBytes, MemorySwap: job.memoryLimitBytes }),
        ...(this.options.networkMode === undefined ? {} : { NetworkMode: this.options.networkMode }),
      },
    };

    const sink = await JobLogSink.open(job.logFile, job.name, log, secretValues);
    const stopHeartbeats = startHeartbeats(context.heartbeat, () => ({ job: job.name, logLines: sink.lineCount }), this.options.heartbeatIntervalMs ?? 2_000);
    let container: Docker.Container | undefined;
    let stopping: Promise<unknown> | undefined;
    const stop = () => {
      if (container === undefined || stopping !== undefined) return;
      sink.note('cancelled: stopping the container');
      stopping = container.stop({ t: this.options.stopGraceSeconds ?? 5 }).catch(() => {});
    };
    signal.addEventListener('abort', stop, { once: true });
    try {
      container = await this.create(job, spec);
      signal.throwIfAborted();
      await container.start();
      // An abort that arrived while the container was starting found nothing to stop yet.
      if (signal.aborted) stop();
      const logsDone = this.streamLogs(container, sink);
      const { StatusCode: exitCode } = (await container.wait()) as { StatusCode: number };
      await Promise.race([logsDone, new Promise((resolve) => setTimeout(resolve, LOG_DRAIN_MS).unref())]);
      await stopping;
      if (signal.aborted) throw signal.reason;
      const oomKilled = (await container.inspect()).State.OOMKilled === true;
      await sink.close();
      if (exitCode !== 0) throw new TrainingFailedError(job.name, exitCode, sink.logTail(), sink.logUri, oomKilled);
      return { exitCode, logUri: sink.logUri, outputs: await collectOutputs(job.name, job.outputDir) };
    } finally {
      signal.removeEventListener('abort', stop);
      stopHeartbeats();
      await sink.close().catch(() => {});
      await container?.remove({ force: true, v: true }).catch((error: unknown) => {
        if (statusCode(error) !== 404) log.warn(`could not remove container ${job.name}`, { error: String(error) });
      });
    }
  }

  private async create(job: TrainingJob, spec: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    try {
      return await this.docker.createContainer(spec);
    } catch (error) {
      if (statusCode(error) === 404 && job.image !== undefined) throw new ContainerImageMissingError(job.name, job.image, this.engine);
      throw error;
    }
  }

  /** Resolves when the engine closes the followed log stream, which it does once the container stops. */
  private async streamLogs(container: Docker.Container, sink: JobLogSink): Promise<void> {
    const stream = await container.logs({ follow: true, stdout: true, stderr: true });
    const into = (name: JobStream) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          sink.write(name, chunk);
          done();
        },
      });
    // Without a TTY the engine multiplexes both streams into one, framed by 8-byte headers.
    (this.docker.modem as { demuxStream(stream: NodeJS.ReadableStream, out: Writable, err: Writable): void }).demuxStream(stream, into('stdout'), into('stderr'));
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
  }
}

function statusCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error ? (error as { statusCode?: number }).statusCode : undefined;
}
