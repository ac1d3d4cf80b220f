import { createHash } from 'node:crypto';
import type { V1EnvVar, V1Job, V1Toleration } from '@kubernetes/client-node';
import type { ArtifactSettings } from '../../artifacts/index.ts';
import { InvalidTrainingJobError } from './errors.ts';
import { inputVariable, type TrainingJob } from './job.ts';

/** Labels on every Job and its pods: how a retry finds what an earlier attempt left. */
export const K8S_LABEL_KEY = 'weir.dev/key';
export const K8S_LABEL_ATTEMPT = 'weir.dev/attempt';
export const K8S_LABEL_JOB = 'weir.dev/job';
/** Raw run and task ids can hold characters label values refuse, so they go in annotations. */
export const K8S_ANNOTATION_RUN = 'weir.dev/run';
export const K8S_ANNOTATION_TASK = 'weir.dev/task';
/** The container's name in the pod. */
export const K8S_CONTAINER = 'train';

/** A Kubernetes Secret key, for `valueFrom.secretKeyRef`. */
export interface SecretKeyRef {
  name: string;
  key: string;
}

/** What a `KubernetesRunner` adds to every job it creates. */
export interface KubernetesJobSettings {
  namespace: string;
  /** Kubernetes Secret holding each `secretEnv` name as a key; the worker never reads the values. */
  secretName?: string;
  /** Per variable, where its value is; wins over `secretName`. */
  secretKeyRefs?: Record<string, SecretKeyRef>;
  /** Extended resources, e.g. `{ 'nvidia.com/gpu': 1 }`; set as requests and limits. */
  extendedResources?: Record<string, number>;
  nodeSelector?: Record<string, string>;
  tolerations?: V1Toleration[];
  serviceAccountName?: string;
  imagePullSecrets?: string[];
  /** Seconds after which Kubernetes fails the Job itself (`activeDeadlineSeconds`). */
  activeDeadlineSeconds?: number;
  /** The store the pod reads inputs from and writes outputs to: its root and S3 settings go in the pod's env. */
  artifactSettings?: ArtifactSettings;
  /** Secret with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` keys, for an `s3://` store. Omit to rely on the pod's identity (IRSA...). */
  s3CredentialsSecret?: string;
}

const NAME_MAX = 63;

function dnsPart(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * DNS-1123 names for one attempt's Job, at most 63 characters (the Job controller copies the
 * name into a label). The key is a hash of the raw run and task ids, the same for every attempt.
 *
 * @example kubernetesJobNames({ runId: 'manual__2024-05-01T00:00', taskId: 'train', attempt: 2 })
 * // { key: '3f9c0a1b2c4d5e6f', name: 'weir-manual-2024-05-01t00-00-train-3f9c0a1b2c-a2' }
 */
export function kubernetesJobNames(ids: { runId: string; taskId: string; attempt: number }): { key: string; name: string } {
  const key = createHash('sha256').update(`${ids.runId}\0${ids.taskId}`).digest('hex').slice(0, 16);
  const suffix = `-${key.slice(0, 10)}-a${ids.attempt}`;
  const readable = `weir-${dnsPart(ids.runId)}-${dnsPart(ids.taskId)}`.replace(/-+/g, '-');
  const head = readable.slice(0, NAME_MAX - suffix.length).replace(/-+$/, '');
  return { key, name: `${head}${suffix}` };
}

function quantity(bytes: number): string {
  return String(Math.round(bytes));
}

function cpuQuantity(cpus: number): string {
  return `${Math.max(1, Math.round(cpus * 1000))}m`;
}

/**
 * The Job for one attempt: one pod, never restarted and never retried by Kubernetes (the
 * task's `retries` decide), with inputs and outputs as artifact URIs the job reads and writes
 * through the store, and secrets as `secretKeyRef`s so their values never pass the worker.
 */
export function buildKubernetesJob(job: TrainingJob, settings: KubernetesJobSettings): V1Job {
  const { name, key } = kubernetesJobNames(job);
  if (job.image === undefined) throw new InvalidTrainingJobError(job.name, 'image', 'is required by the Kubernetes runner');
  if (job.command.length === 0) throw new InvalidTrainingJobError(job.name, 'command', 'is empty');

  const env: V1EnvVar[] = [];
  for (const input of job.inputs ?? []) {
    if (input.uri === undefined) {
      throw new InvalidTrainingJobError(job.name, `input ${input.name ?? input.containerPath}`, 'is a host path, which a pod cannot read; pass an artifact URI or key');
    }
    env.push({ name: inputVariable(input), value: input.uri });
  }
  if (job.outputUri !== undefined) env.push({ name: 'OUTPUT_URI', value: job.outputUri });
  env.push({ name: 'WEIR_JOB_NAME', value: name });
  const store = settings.artifactSettings;
  if (store !== undefined) {
    env.push({ name: 'WEIR_ARTIFACT_ROOT', value: store.root });
    if (store.s3?.endpoint !== undefined) env.push({ name: 'WEIR_S3_ENDPOINT', value: store.s3.endpoint });
    if (store.s3?.region !== undefined) env.push({ name: 'WEIR_S3_REGION', value: store.s3.region });
    if (store.s3?.forcePathStyle !== undefined) env.push({ name: 'WEIR_S3_FORCE_PATH_STYLE', value: String(store.s3.forcePathStyle) });
    if (settings.s3CredentialsSecret !== undefined) {
      for (const variable of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        env.push({ name: variable, valueFrom: { secretKeyRef: { name: settings.s3CredentialsSecret, key: variable } } });
      }
    }
  }
  for (const [variable, value] of Object.entries(job.env ?? {})) env.push({ name: variable, value });
  const secretRef = (variable: string, optional: boolean): V1EnvVar => {
    const ref = settings.secretKeyRefs?.[variable] ?? (settings.secretName === undefined ? undefined : { name: settings.secretName, key: variable });
    if (ref === undefined) throw new InvalidTrainingJobError(job.name, `secretEnv ${variable}`, 'has no Kubernetes Secret: set secretName or secretKeyRefs on the runner');
    return { name: variable, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key, optional } } };
  };
  for (const variable of job.secretEnv ?? []) env.push(secretRef(variable, false));
  for (const variable of job.optionalSecretEnv ?? []) env.push(secretRef(variable, true));

  const amounts: Record<string, string> = {};
  if (job.cpuLimit !== undefined) amounts.cpu = cpuQuantity(job.cpuLimit);
  if (job.memoryLimitBytes !== undefined) amounts.memory = quantity(job.memoryLimitBytes);
  for (const [resource, count] of Object.entries(settings.extendedResources ?? {})) amounts[resource] = String(count);
  const labels = { [K8S_LABEL_KEY]: key, [K8S_LABEL_ATTEMPT]: String(job.attempt), [K8S_LABEL_JOB]: name };
  const annotations = { [K8S_ANNOTATION_RUN]: job.runId, [K8S_ANNOTATION_TASK]: job.taskId };

  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: settings.namespace, labels, annotations },
    spec: {
      backoffLimit: 0,
      ...(settings.activeDeadlineSeconds === undefined ? {} : { activeDeadlineSeconds: settings.activeDeadlineSeconds }),
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          ...(settings.serviceAccountName === undefined ? {} : { serviceAccountName: settings.serviceAccountName }),
          ...(settings.nodeSelector === undefined ? {} : { nodeSelector: settings.nodeSelector }),
          ...(settings.tolerations === undefined ? {} : { tolerations: settings.tolerations }),
          ...(settings.imagePullSecrets === undefined ? {} : { imagePullSecrets: settings.imagePullSecrets.map((secret) => ({ name: secret })) }),
          containers: [
            {
              name: K8S_CONTAINER,
              image: job.image,
              // The command runs exactly as written, whatever the image's entrypoint.
              command: job.command,
              env,
              ...(job.workingDir === undefined ? {} : { workingDir: job.workingDir }),
              ...(Object.keys(amounts).length === 0 ? {} : { resources: { requests: amounts, limits: amounts } }),
            },
          ],
        },
      },
    },
  };
}
