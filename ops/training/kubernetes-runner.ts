import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { BatchV1Api, CoreV1Api, KubeConfig, Log, V1Job, V1Pod } from '@kubernetes/client-node';
import type { ArtifactStore } from '../../artifacts/index.ts';
import { TrainingFailedError } from './errors.ts';
import type { ContainerRunner, JobContext, JobResult, TrainingJob } from './job.ts';
import { buildKubernetesJob, K8S_CONTAINER, K8S_LABEL_JOB, K8S_LABEL_KEY, kubernetesJobNames, type KubernetesJobSettings } from './kubernetes-job.ts';
import { JobLogSink, startHeartbeats } from './log-sink.ts';
import { collectOutputs } from './outputs.ts';

export interface KubernetesRunnerOptions extends Partial<KubernetesJobSettings> {
  /** Default: `KubeConfig.loadFromDefault()` (KUBECONFIG, ~/.kube/config, or the pod's service account). */
  kubeConfig?: KubeConfig;
  /** `Background` (default) or `Foreground`, for the Job deleted on cancel, timeout or retry. */
  propagationPolicy?: 'Background' | 'Foreground';
  /** How often the Job's status is read. Default 2 s. */
  pollIntervalMs?: number;
  /** Default 2 s. */
  heartbeatIntervalMs?: number;
}

// The log stream ends when the container does; give it a moment to deliver the last lines.
const LOG_DRAIN_MS = 5_000;

type Outcome = { done: 'complete' } | { done: 'failed'; reason: string; message: string };

/**
 * Runs each attempt as a Kubernetes Job through the API server: one pod, never retried by
 * Kubernetes, reading inputs and writing outputs by artifact URI. Heartbeats while the Job
 * runs, streams the pod's log into the task log, and deletes the Job on cancel, timeout and
 * before a retry.
 *
 * @example
 * train({ command: ['python', 'train.py'], image: 'ghcr.io/acme/trainer:1.4',
 *   runner: kubernetesRunner({ namespace: 'ml', secretName: 'trainer-secrets', extendedResources: { 'nvidia.com/gpu': 1 } }) })
 */
export class KubernetesRunner implements ContainerRunner {
  readonly kind = 'kubernetes';
  private connecting: Promise<KubernetesApi> | undefined;

  constructor(private readonly options: KubernetesRunnerOptions = {}) {}

  /**
   * The API clients, made on first use: the client library takes about half a second to load,
   * which DAG files that only import the operators should not pay.
   */
  api(): Promise<KubernetesApi> {
    this.connecting ??= (async () => {
      const k8s = await import('@kubernetes/client-node');
      const kubeConfig = this.options.kubeConfig ?? new k8s.KubeConfig();
      if (this.options.kubeConfig === undefined) kubeConfig.loadFromDefault();
      const namespace = this.options.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
      return { batch: kubeConfig.makeApiClient(k8s.BatchV1Api), core: kubeConfig.makeApiClient(k8s.CoreV1Api), log: new k8s.Log(kubeConfig), namespace };
    })();
    return this.connecting;
  }

  /** Jobs of any attempt of this run's task. */
  async jobsOf(runId: string, taskId: string): Promise<V1Job[]> {
    const { batch, namespace } = await this.api();
    const { key } = kubernetesJobNames({ runId, taskId, attempt: 0 });
    return (await batch.listNamespacedJob({ namespace, labelSelector: `${K8S_LABEL_KEY}=${key}` })).items;
  }

  /**
   * The spec this runner submits for a job, without submitting it. The pod's store settings are
   * `artifactSettings`, else those of the task's remote store (root, endpoint, region and path
   * style, as the worker's configuration built it).
   */
  async jobSpec(job: TrainingJob, store?: ArtifactStore): Promise<V1Job> {
    const { namespace } = await this.api();
    let settings = this.options.artifactSettings;
    if (settings === undefined && store !== undefined && !store.isLocal) settings = store.settings;
    return buildKubernetesJob(job, { ...this.options, namespace, ...(settings === undefined ? {} : { artifactSettings: settings }) });
  }

  async run(job: TrainingJob, context: JobContext): Promise<JobResult> {
    const { signal, log } = context;
    signal.throwIfAborted();
    const api = await this.api();
    const { batch, namespace } = api;
    const spec = await this.jobSpec(job, context.artifacts);
    const name = spec.metadata?.name ?? job.name;
    for (const orphan of await this.jobsOf(job.runId, job.taskId)) {
      const orphanName = orphan.metadata?.name ?? '';
      log.warn(`deleting Kubernetes Job ${orphanName} left by an earlier attempt`, { job: name });
      await this.deleteJob(orphanName);
    }

    await mkdir(job.outputDir, { recursive: true });
    const sink = await JobLogSink.open(job.logFile, name, log, []);
    let phase = 'submitted';
    const stopHeartbeats = startHeartbeats(context.heartbeat, () => ({ job: name, phase, logLines: sink.lineCount }), this.options.heartbeatIntervalMs ?? 2_000);
    const logs = new PodLogs(api.log, namespace, sink, log);
    let created = false;
    try {
      await batch.createNamespacedJob({ namespace, body: spec });
      created = true;
      log.info(`created Kubernetes Job ${namespace}/${name}`, { job: name });
      const outcome = await this.waitForOutcome(name, signal, logs, (next) => (phase = next));
      await logs.drain(LOG_DRAIN_MS);
      if (outcome.done === 'failed') {
        const pod = (await this.podsOf(name))[0];
        const terminated = pod?.status?.containerStatuses?.find((status) => status.name === K8S_CONTAINER)?.state?.terminated;
        sink.note(`Job ${name} failed: ${outcome.reason}: ${outcome.message}`);
        await sink.close();
        throw new TrainingFailedError(name, terminated?.exitCode ?? 1, sink.logTail(), sink.logUri, terminated?.reason === 'OOMKilled');
      }
      await sink.close();
      const store = context.artifacts;
      // A local store's output folder is the job's own (a volume both share); a remote one is read back.
      if (store !== undefined && !store.isLocal && job.outputUri !== undefined) {
        for (const file of await store.list(job.outputUri)) {
          context.heartbeat({ job: name, phase: 'reading outputs' });
          await store.download(`${store.keyOf(job.outputUri)}/${file}`, path.join(job.outputDir, ...file.split('/')));
        }
      }
      return { exitCode: 0, logUri: sink.logUri, outputs: await collectOutputs(name, job.outputDir), outputsInStore: store !== undefined && !store.isLocal };
    } finally {
      stopHeartbeats();
      logs.stop();
      if (signal.aborted) sink.note(`cancelled: deleting Kubernetes Job ${name}`);
      await sink.close().catch(() => {});
      // Finished or not, the Job goes: on success and failure its log is in the task log already,
      // and on cancel or timeout its pod must stop.
      if (created) await this.deleteJob(name).catch((error: unknown) => log.warn(`could not delete Kubernetes Job ${name}`, { error: String(error) }));
    }
  }

  private async waitForOutcome(name: string, signal: AbortSignal, logs: PodLogs, setPhase: (phase: string) => void): Promise<Outcome> {
    const interval = this.options.pollIntervalMs ?? 2_000;
    const { batch, namespace } = await this.api();
    for (;;) {
      signal.throwIfAborted();
      const current = await batch.readNamespacedJob({ name, namespace });
      for (const pod of await this.podsOf(name)) {
        const phase = pod.status?.phase;
        if (phase !== undefined) setPhase(phase);
        if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') logs.follow(pod.metadata?.name ?? '');
      }
      const conditions = current.status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return { done: 'complete' };
      const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
      if (failed !== undefined) return { done: 'failed', reason: failed.reason ?? 'Failed', message: failed.message ?? '' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, interval);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Pods of one attempt's Job. */
  async podsOf(name: string): Promise<V1Pod[]> {
    const { core, namespace } = await this.api();
    return (await core.listNamespacedPod({ namespace, labelSelector: `${K8S_LABEL_JOB}=${name}` })).items;
  }

  /**
   * Deletes the Job and its pods. The pods are deleted by label as well, so they go even where
   * no garbage collector follows the Job's deletion right away.
   */
  async deleteJob(name: string): Promise<void> {
    const { batch, core, namespace } = await this.api();
    await batch.deleteNamespacedJob({ name, namespace, propagationPolicy: this.options.propagationPolicy ?? 'Background' }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 404) throw error;
    });
    await core.deleteCollectionNamespacedPod({ namespace, labelSelector: `${K8S_LABEL_JOB}=${name}` });
  }
}

/** Follows each pod's container log once, into the job's log sink. Needs a kubelet: the API server proxies pods/log to it. */
class PodLogs {
  private readonly followed = new Map<string, Promise<void>>();
  private readonly controllers: AbortController[] = [];

  constructor(
    private readonly client: Log,
    private readonly namespace: string,
    private readonly sink: JobLogSink,
    private readonly log: JobContext['log'],
  ) {}

  follow(pod: string): void {
    if (pod === '' || this.followed.has(pod)) return;
    const sink = this.sink;
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        sink.write('stdout', chunk);
        done();
      },
    });
    // The stream ends (and `out` finishes) when the container stops; an error means no log, not a failed job.
    const ended = new Promise<void>((resolve) => {
      out.once('finish', () => resolve());
      this.client
        .log(this.namespace, pod, K8S_CONTAINER, out, { follow: true })
        .then((controller) => this.controllers.push(controller))
        .catch((error: unknown) => {
          this.log.warn(`could not stream the log of pod ${pod}`, { error: String(error) });
          resolve();
        });
    });
    this.followed.set(pod, ended);
  }

  async drain(ms: number): Promise<void> {
    await Promise.race([Promise.all(this.followed.values()), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
  }

  stop(): void {
    for (const controller of this.controllers) controller.abort();
  }
}

export interface KubernetesApi {
  batch: BatchV1Api;
  core: CoreV1Api;
  log: Log;
  namespace: string;
}

/**
 * The Kubernetes Job runner, for `train({ runner: kubernetesRunner({ namespace, secretName }), image })`.
 * The job reads `INPUT_<NAME>` and writes to `OUTPUT_URI` through the artifact store (an `s3://` one).
 */
export function kubernetesRunner(options: KubernetesRunnerOptions = {}): KubernetesRunner {
  return new KubernetesRunner(options);
}
