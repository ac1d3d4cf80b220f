import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { InvalidTrainingJobError, TrainingFailedError } from './errors.ts';
import { inputVariable, type ContainerRunner, type JobContext, type JobResult, type TrainingJob } from './job.ts';
import { JobLogSink, startHeartbeats, type JobStream } from './log-sink.ts';
import { collectOutputs } from './outputs.ts';
import { JobPidFiles } from './pid-files.ts';
import { killProcessGroup, livingGroupMembers } from './process-group.ts';
import { resolveJobEnv } from './secrets.ts';

export interface LocalProcessRunnerOptions {
  /** Machine-local folder for pid files. Default `.weir/training-jobs` under the cwd. */
  stateDir?: string;
  /** Default 2 s. */
  heartbeatIntervalMs?: number;
  /** Time between SIGTERM and SIGKILL. Default 5 s. */
  killGraceMs?: number;
  /**
   * Worker variables every job inherits. Only these: the worker's environment holds database
   * URLs and credentials a training script has no business seeing. Default PATH, HOME, LANG,
   * LC_ALL, TZ, TMPDIR, USER.
   */
  passEnv?: string[];
  /** Where `secretEnv` names are read. Default `process.env`, read at each run. */
  secretSource?: Record<string, string | undefined>;
}

const DEFAULT_PASS_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER'];

/**
 * Runs a job as a child process of the worker, in its own process group so that cancelling
 * kills everything it started. Inputs arrive as `INPUT_<NAME>` host paths, the output folder
 * as `OUTPUT_DIR`. CPU and memory limits are not enforced here; use the Docker runner for them.
 *
 * @example
 * const runner = new LocalProcessRunner({ stateDir: '.weir/training-jobs' });
 * const result = await runner.run(job, { signal, heartbeat, log });
 */
export class LocalProcessRunner implements ContainerRunner {
  readonly kind = 'local';
  private readonly pidFiles: JobPidFiles;
  private readonly heartbeatIntervalMs: number;
  private readonly killGraceMs: number;
  private readonly passEnv: string[];
  private readonly secretSource: Record<string, string | undefined> | undefined;

  constructor(options: LocalProcessRunnerOptions = {}) {
    this.pidFiles = new JobPidFiles(path.resolve(options.stateDir ?? path.join('.weir', 'training-jobs')));
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 2_000;
    this.killGraceMs = options.killGraceMs ?? 5_000;
    this.passEnv = options.passEnv ?? DEFAULT_PASS_ENV;
    this.secretSource = options.secretSource;
  }

  async run(job: TrainingJob, context: JobContext): Promise<JobResult> {
    const { signal, log } = context;
    signal.throwIfAborted();
    const orphan = await this.pidFiles.killOrphan(job.key, this.killGraceMs);
    if (orphan !== null) log.warn(`killed process group ${orphan.pid} left running by ${orphan.name}`, { job: job.name });

    const [program, ...args] = job.command;
    if (program === undefined) throw new InvalidTrainingJobError(job.name, 'command', 'is empty');
    const { env, secretValues } = resolveJobEnv(job, this.secretSource ?? process.env);
    const childEnv: Record<string, string> = {};
    for (const name of this.passEnv) {
      const value = process.env[name];
      if (value !== undefined) childEnv[name] = value;
    }
    for (const input of job.inputs ?? []) childEnv[inputVariable(input)] = path.resolve(input.hostPath);
    Object.assign(childEnv, env, { OUTPUT_DIR: path.resolve(job.outputDir), WEIR_JOB_NAME: job.name });

    await mkdir(job.outputDir, { recursive: true });
    const sink = await JobLogSink.open(job.logFile, job.name, log, secretValues);
    const child = spawn(program, args, {
      cwd: job.workingDir ?? job.outputDir,
      env: childEnv,
      // Its own process group: one kill(-pgid) reaches the shell and everything it forked.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stopHeartbeats = startHeartbeats(context.heartbeat, () => ({ job: job.name, logLines: sink.lineCount }), this.heartbeatIntervalMs);
    let killing: Promise<void> | undefined;
    const killGroup = (why: string) => {
      if (child.pid === undefined || killing !== undefined) return;
      sink.note(why);
      killing = killProcessGroup(child.pid, this.killGraceMs).catch((error: unknown) => {
        log.error(`could not kill training job ${job.name}`, { error: String(error) });
      });
    };
    const onAbort = () => killGroup('cancelled: killing the job process group');
    signal.addEventListener('abort', onAbort, { once: true });

    // Listening from the start: a quick job can exit while the pid file is being written.
    let leftovers: Promise<void> | undefined;
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null } | Error>((resolve) => {
      child.once('error', resolve);
      child.once('exit', (code, exitSignal) => {
        // Background children of a finished job would keep the pipes open and outlive it.
        leftovers = livingGroupMembers(child.pid ?? -1).then((left) => {
          if (left.length > 0) killGroup(`the job exited; killing ${left.length} process(es) it left behind`);
        });
        child.once('close', () => resolve({ code, signal: exitSignal }));
      });
    });
    try {
      // Read from the start, so a quick job's output is never lost, but hold it back until the
      // pid file exists: once the job is seen running, a retry must be able to find it.
      const held: [JobStream, Buffer][] = [];
      let recorded = false;
      const forward = (stream: JobStream) => (chunk: Buffer) => (recorded ? sink.write(stream, chunk) : held.push([stream, chunk]));
      child.stdout.on('data', forward('stdout'));
      child.stderr.on('data', forward('stderr'));
      if (child.pid !== undefined) await this.pidFiles.record(job.key, child.pid, job.name, job.attempt);
      recorded = true;
      for (const [stream, chunk] of held.splice(0)) sink.write(stream, chunk);
      const outcome = await ended;
      await leftovers;
      await killing;
      if (outcome instanceof Error) {
        throw new InvalidTrainingJobError(job.name, 'command', `could not be started (${program}): ${outcome.message}`);
      }
      if (signal.aborted) throw signal.reason;
      const exitCode = outcome.code ?? 128 + (outcome.signal === null ? 0 : (constants.signals[outcome.signal] ?? 0));
      await sink.close();
      if (exitCode !== 0) throw new TrainingFailedError(job.name, exitCode, sink.logTail(), sink.logUri);
      return { exitCode, logUri: sink.logUri, outputs: await collectOutputs(job.name, job.outputDir) };
    } finally {
      // Whatever went wrong in here, the job must not outlive its attempt.
      if (child.exitCode === null && child.signalCode === null) killGroup('the runner failed; killing the job');
      await killing;
      signal.removeEventListener('abort', onAbort);
      stopHeartbeats();
      await sink.close().catch(() => {});
      if (child.pid !== undefined) await this.pidFiles.clear(job.key, child.pid);
    }
  }
}
