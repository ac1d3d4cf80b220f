import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchV1Api, CoreV1Api, KubeConfig, loadAllYaml, RbacAuthorizationV1Api, type V1Job, type V1Role, type V1RoleBinding, type V1ServiceAccount } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ArtifactStore } from '../../artifacts/index.ts';
import { resolveKubeApiServerBinary, startKubeApiServer, type KubeApiServer } from '../../infra/kube-apiserver.ts';
import { testStack } from '../../test/stack.ts';
import { TrainingFailedError } from './errors.ts';
import { K8S_LABEL_ATTEMPT, K8S_LABEL_KEY, kubernetesJobNames } from './kubernetes-job.ts';
import { KubernetesRunner } from './kubernetes-runner.ts';
import { recordingLog, testContext, testJob, waitFor } from './test-support.ts';

// A real kube-apiserver and etcd, but no kubelet, scheduler or controllers: no pod ever runs.
// The test plays the cluster's part: it creates the pod a Job controller would, and sets the
// Job's status through its status subresource, as the controller does.
const namespace = 'weir-training';
const { s3Endpoint, s3AccessKey, s3SecretKey, s3Bucket } = testStack();
const storeRoot = `s3://${s3Bucket}/k8s-runner-test/${randomUUID()}`;
const store = new S3ArtifactStore({ root: storeRoot, endpoint: s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: s3AccessKey, secretAccessKey: s3SecretKey } });
let dir: string;
let kube: KubeApiServer;
let kubeConfig: KubeConfig;
let runner: KubernetesRunner;
let batch: BatchV1Api;
let core: CoreV1Api;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weir-k8s-'));
  kube = await startKubeApiServer({ binary: await resolveKubeApiServerBinary(), dir: path.join(dir, 'cluster') });
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.kubeconfigPath);
  runner = new KubernetesRunner({ kubeConfig, namespace, pollIntervalMs: 100, heartbeatIntervalMs: 100 });
  batch = kubeConfig.makeApiClient(BatchV1Api);
  core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // Pods need their service account to exist; with no controller-manager, nothing creates `default`.
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } });
}, 180_000);
afterAll(async () => {
  store.close();
  await kube?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function jobNamed(name: string): Promise<V1Job> {
  return waitFor(`Job ${name}`, async () => (await batch.listNamespacedJob({ namespace })).items.find((job) => job.metadata?.name === name));
}

/** What the Job controller does when the pod exits 0. */
async function completeJob(name: string): Promise<void> {
  const now = new Date().toISOString();
  const conditions = ['SuccessCriteriaMet', 'Complete'].map((type) => ({ type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }));
  await patchStatus(name, { startTime: now, completionTime: now, succeeded: 1, conditions });
}

/** What the Job controller does when the pod fails or the deadline passes. */
async function failJob(name: string, reason: string): Promise<void> {
  const now = new Date().toISOString();
  const conditions = ['FailureTarget', 'Failed'].map((type) => ({ type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message: `test: ${reason}` }));
  await patchStatus(name, { startTime: now, failed: 1, conditions });
}

async function patchStatus(name: string, status: Record<string, unknown>): Promise<void> {
  await batch.patchNamespacedJobStatus({ name, namespace, body: [{ op: 'add', path: '/status', value: status }] });
}

describe('KubernetesRunner against a real kube-apiserver', () => {
  it('submits a Job the API server accepts with every field, and returns the outputs the pod wrote to the store', async () => {
    const full = new KubernetesRunner({
      kubeConfig,
      namespace,
      pollIntervalMs: 100,
      heartbeatIntervalMs: 100,
      secretName: 'trainer-secrets',
      secretKeyRefs: { HF_TOKEN: { name: 'hf', key: 'token' } },
      extendedResources: { 'nvidia.com/gpu': 1 },
      nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      serviceAccountName: 'trainer',
      activeDeadlineSeconds: 7200,
      artifactSettings: { root: storeRoot, s3: { endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true } },
      s3CredentialsSecret: 'weir-s3',
    });
    const job = testJob(path.join(dir, 'full'), 'manual__2026-11-30T05:00:00+00:00', {
      image: 'registry.example.com/trainer:1.4',
      command: ['python', 'train.py', '--epochs', '3'],
      env: { EPOCHS: '3' },
      secretEnv: ['WANDB_API_KEY'],
      optionalSecretEnv: ['HF_TOKEN'],
      workingDir: '/app',
      cpuLimit: 1.5,
      memoryLimitBytes: 2 * 1024 ** 3,
      inputs: [{ name: 'features', hostPath: '/unused', containerPath: '/unused', uri: `${storeRoot}/runs/r/prepare/features.csv` }],
      outputUri: `${storeRoot}/runs/r/train/attempt-1/output`,
    });
    const ctx = testContext();
    const running = full.run(job, { ...ctx, artifacts: store });
    const { name } = kubernetesJobNames(job);
    const created = await jobNamed(name);

    expect(created.metadata?.labels).toMatchObject({ [K8S_LABEL_ATTEMPT]: '1', [K8S_LABEL_KEY]: kubernetesJobNames(job).key });
    expect(created.metadata?.annotations).toMatchObject({ 'weir.dev/run': job.runId, 'weir.dev/task': 'train' });
    expect(created.spec?.backoffLimit).toBe(0);
    expect(created.spec?.activeDeadlineSeconds).toBe(7200);
    const pod = created.spec?.template.spec;
    expect(pod?.restartPolicy).toBe('Never');
    expect(pod?.serviceAccountName).toBe('trainer');
    expect(pod?.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(pod?.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    const container = pod?.containers[0];
    expect(container?.image).toBe('registry.example.com/trainer:1.4');
    expect(container?.command).toEqual(['python', 'train.py', '--epochs', '3']);
    expect(container?.workingDir).toBe('/app');
    expect(container?.resources?.limits).toEqual({ cpu: '1500m', memory: String(2 * 1024 ** 3), 'nvidia.com/gpu': '1' });
    expect(container?.resources?.requests).toEqual(container?.resources?.limits);
    const env = Object.fromEntries((container?.env ?? []).map((variable) => [variable.name, variable.value ?? variable.valueFrom?.secretKeyRef]));
    expect(env).toEqual({
      INPUT_FEATURES: `${storeRoot}/runs/r/prepare/features.csv`,
      OUTPUT_URI: job.outputUri,
      WEIR_JOB_NAME: name,
      WEIR_ARTIFACT_ROOT: storeRoot,
      WEIR_S3_ENDPOINT: s3Endpoint,
      WEIR_S3_REGION: 'us-east-1',
      WEIR_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: { name: 'weir-s3', key: 'AWS_ACCESS_KEY_ID' },
      AWS_SECRET_ACCESS_KEY: { name: 'weir-s3', key: 'AWS_SECRET_ACCESS_KEY' },
      EPOCHS: '3',
      WANDB_API_KEY: { name: 'trainer-secrets', key: 'WANDB_API_KEY', optional: false },
      HF_TOKEN: { name: 'hf', key: 'token', optional: true },
    });

    // The pod's part: write the model and metrics to OUTPUT_URI, then the Job completes.
    await store.write(`${store.keyOf(job.outputUri ?? '')}/model.bin`, 'weights');
    await store.write(`${store.keyOf(job.outputUri ?? '')}/metrics.json`, '{"auc": 0.91}');
    await completeJob(name);
    const result = await running;

    expect(result).toMatchObject({ exitCode: 0, outputsInStore: true, outputs: { files: ['metrics.json', 'model.bin'], metrics: { auc: 0.91 } } });
    expect(await readFile(path.join(job.outputDir, 'model.bin'), 'utf8')).toBe('weights');
    expect(ctx.heartbeats.at(-1)).toMatchObject({ job: name });
    expect(await full.jobsOf(job.runId, job.taskId)).toEqual([]);
  });

  it('fails with the pod container exit code when the Job fails, and deletes the Job and its pod', async () => {
    const job = testJob(path.join(dir, 'fail'), 'run-fail', { image: 'busybox', command: ['sh', '-c', 'exit 7'] });
    const running = runner.run(job, testContext()).catch((thrown: unknown) => thrown);
    const created = await jobNamed(kubernetesJobNames(job).name);
    const name = created.metadata?.name ?? '';
    // The pod the Job controller would create, and the status the kubelet would report.
    const template = created.spec?.template;
    const podName = `${name}-x1`;
    await core.createNamespacedPod({ namespace, body: { metadata: { name: podName, labels: template?.metadata?.labels ?? {} }, spec: template?.spec ?? { containers: [] } } });
    const now = new Date().toISOString();
    await core.patchNamespacedPodStatus({
      name: podName,
      namespace,
      body: [
        {
          op: 'add',
          path: '/status',
          value: {
            phase: 'Failed',
            containerStatuses: [{ name: 'train', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 7, reason: 'Error', startedAt: now, finishedAt: now } } }],
          },
        },
      ],
    });
    await failJob(name, 'BackoffLimitExceeded');
    const error = await running;

    expect(error).toBeInstanceOf(TrainingFailedError);
    expect((error as TrainingFailedError).exitCode).toBe(7);
    expect((error as TrainingFailedError).logTail).toContain('BackoffLimitExceeded');
    expect(await readFile(job.logFile, 'utf8')).toContain(`Job ${name} failed: BackoffLimitExceeded`);
    expect(await runner.jobsOf(job.runId, job.taskId)).toEqual([]);
    expect((await core.listNamespacedPod({ namespace, labelSelector: `weir.dev/job=${name}` })).items).toEqual([]);
  });

  it('deletes the Job when the task is cancelled, and gives the pod the task store\'s root', async () => {
    const ctx = testContext();
    const job = testJob(path.join(dir, 'cancel'), 'run-cancel', { image: 'busybox', command: ['sleep', '300'] });
    const running = runner.run(job, { ...ctx, artifacts: store });
    const created = await jobNamed(kubernetesJobNames(job).name);
    // No artifactSettings on this runner: the pod gets the task's own S3 store root.
    expect(created.spec?.template.spec?.containers[0]?.env).toContainEqual({ name: 'WEIR_ARTIFACT_ROOT', value: storeRoot });
    const reason = new Error('cancelled by test');
    ctx.controller.abort(reason);

    await expect(running).rejects.toBe(reason);
    expect(await runner.jobsOf(job.runId, job.taskId)).toEqual([]);
    expect(await readFile(job.logFile, 'utf8')).toContain('cancelled: deleting Kubernetes Job');
  });

  it('deletes the Job when Kubernetes fails it for passing its deadline', async () => {
    const timed = new KubernetesRunner({ kubeConfig, namespace, pollIntervalMs: 100, activeDeadlineSeconds: 60, propagationPolicy: 'Foreground' });
    const job = testJob(path.join(dir, 'deadline'), 'run-deadline', { image: 'busybox', command: ['sleep', '300'] });
    const running = timed.run(job, testContext()).catch((thrown: unknown) => thrown);
    const created = await jobNamed(kubernetesJobNames(job).name);
    expect(created.spec?.activeDeadlineSeconds).toBe(60);
    await failJob(created.metadata?.name ?? '', 'DeadlineExceeded');
    const error = await running;

    expect(error).toBeInstanceOf(TrainingFailedError);
    expect((error as Error).message).toContain('DeadlineExceeded');
    // Foreground deletion waits for a garbage collector this cluster lacks: the Job is marked for deletion.
    const left = await timed.jobsOf(job.runId, job.taskId);
    expect(left.every((leftJob) => leftJob.metadata?.deletionTimestamp !== undefined)).toBe(true);
  });

  it("deletes the previous attempt's Job before a retry starts, and names Jobs within DNS-1123 limits", async () => {
    const runId = `scheduled__2026-11-30T00:00:00+00:00_${'x'.repeat(80)}`;
    const first = testJob(path.join(dir, 'retry'), runId, { taskId: 'Train_Model[3]', image: 'busybox', command: ['sleep', '300'] });
    // What a crashed worker left behind: attempt 1's Job, still there.
    await batch.createNamespacedJob({ namespace, body: await runner.jobSpec(first) });
    const log = recordingLog();
    const second = testJob(path.join(dir, 'retry'), runId, { taskId: 'Train_Model[3]', image: 'busybox', command: ['true'] }, 2);
    const running = runner.run(second, testContext(log));
    const secondName = kubernetesJobNames(second).name;
    await jobNamed(secondName);

    const names = (await runner.jobsOf(runId, 'Train_Model[3]')).map((job) => job.metadata?.name);
    expect(names).toEqual([secondName]);
    expect(secondName.length).toBeLessThanOrEqual(63);
    expect(secondName).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(log.warnings.join('\n')).toContain(kubernetesJobNames(first).name);
    await completeJob(secondName);
    await expect(running).resolves.toMatchObject({ exitCode: 0 });
    expect(await runner.jobsOf(runId, 'Train_Model[3]')).toEqual([]);
  });

  it('needs no more rights than the Role deploy/kubernetes/rbac.yaml gives the workers', async () => {
    const manifests = loadAllYaml(await readFile(fileURLToPath(new URL('../../deploy/kubernetes/rbac.yaml', import.meta.url)), 'utf8')) as { kind: string }[];
    const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    for (const manifest of manifests) {
      if (manifest.kind === 'ServiceAccount') await core.createNamespacedServiceAccount({ namespace, body: manifest as V1ServiceAccount });
      else if (manifest.kind === 'Role') await rbac.createNamespacedRole({ namespace, body: manifest as V1Role });
      else if (manifest.kind === 'RoleBinding') await rbac.createNamespacedRoleBinding({ namespace, body: manifest as V1RoleBinding });
      else throw new Error(`unexpected ${manifest.kind} in rbac.yaml`);
    }
    const { status } = await core.createNamespacedServiceAccountToken({
      name: 'weir-worker',
      namespace,
      body: { spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3600 } },
    });
    const asWorker = new KubeConfig();
    asWorker.loadFromOptions({
      clusters: [{ name: 'test', server: kube.server, skipTLSVerify: true }],
      users: [{ name: 'weir-worker', token: status?.token ?? '' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'weir-worker', namespace }],
      currentContext: 'test',
    });
    // The token really is the worker's: it cannot read Secrets.
    const forbidden = await asWorker.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace }).catch((error: { code?: number }) => error.code);
    expect(forbidden).toBe(403);

    const worker = new KubernetesRunner({ kubeConfig: asWorker, pollIntervalMs: 100 });
    const first = testJob(path.join(dir, 'rbac'), 'run-rbac', { image: 'busybox', command: ['sleep', '300'] });
    await batch.createNamespacedJob({ namespace, body: await runner.jobSpec(first) });
    const second = testJob(path.join(dir, 'rbac'), 'run-rbac', { image: 'busybox', command: ['true'] }, 2);
    const log = recordingLog();
    const running = worker.run(second, testContext(log));
    const created = await jobNamed(kubernetesJobNames(second).name);
    const name = created.metadata?.name ?? '';
    // A running pod makes the runner list pods and ask for its log (which fails: no kubelet).
    await core.createNamespacedPod({ namespace, body: { metadata: { name: `${name}-p`, labels: created.spec?.template.metadata?.labels ?? {} }, spec: created.spec?.template.spec ?? { containers: [] } } });
    await core.patchNamespacedPodStatus({ name: `${name}-p`, namespace, body: [{ op: 'add', path: '/status', value: { phase: 'Running' } }] });
    await waitFor('the runner to see the running pod', () => (log.warnings.some((line) => line.includes('could not stream the log')) ? true : undefined));
    await completeJob(name);

    await expect(running).resolves.toMatchObject({ exitCode: 0 });
    expect(await runner.jobsOf('run-rbac', 'train')).toEqual([]);
    expect((await core.listNamespacedPod({ namespace, labelSelector: `weir.dev/job=${name}` })).items).toEqual([]);
  });
});
