import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKubeApiServerBinary, startKubeApiServer, type KubeApiServer } from '../../infra/kube-apiserver.ts';
import { BUSYBOX_IMAGE } from '../../infra/kube-node/images.ts';
import { resolveKubeNodeBinaries } from '../../infra/kube-node/install.ts';
import { startKubeNode, type KubeNode } from '../../infra/kube-node/node.ts';
import { TrainingFailedError } from './errors.ts';
import { kubernetesJobNames } from './kubernetes-job.ts';
import { KubernetesRunner } from './kubernetes-runner.ts';
import { recordingLog, testContext, testJob, waitFor } from './test-support.ts';

// A whole one-node cluster: kube-apiserver and etcd, kube-controller-manager (the Job
// controller and garbage collector), kube-scheduler, and a kubelet running pods in containerd
// with runc. Nothing plays the cluster's part: Jobs really run, pods really print.
const namespace = 'weir-node';
let dir: string;
let kube: KubeApiServer;
let node: KubeNode;
let runner: KubernetesRunner;
let core: CoreV1Api;

beforeAll(async () => {
  // Short: containerd's socket lives in here, and a socket path has at most 107 bytes.
  dir = await mkdtemp(path.join(tmpdir(), 'wkn-'));
  kube = await startKubeApiServer({ binary: await resolveKubeApiServerBinary(), dir: path.join(dir, 'api') });
  node = await startKubeNode({ apiServer: kube, binaries: await resolveKubeNodeBinaries(), dir: path.join(dir, 'node') });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.kubeconfigPath);
  core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // The controller-manager creates the namespace's `default` service account, which pods need.
  await waitFor('the default service account', async () => ((await core.listNamespacedServiceAccount({ namespace })).items.some((account) => account.metadata?.name === 'default') ? true : undefined), 60_000);
  runner = new KubernetesRunner({ kubeConfig, namespace, pollIntervalMs: 250, heartbeatIntervalMs: 250 });
}, 300_000);
afterAll(async () => {
  await node?.stop();
  await kube?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, 120_000);

async function podsOfJob(name: string): Promise<string[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: `weir.dev/job=${name}` })).items.map((pod) => pod.metadata?.name ?? '');
}

describe('KubernetesRunner on a real node (kubelet, containerd, Job controller)', () => {
  it('runs the Job to completion, streams every line the pod prints into the task log, and heartbeats while it runs', async () => {
    const log = recordingLog();
    const ctx = testContext(log);
    const job = testJob(path.join(dir, 'lines'), 'run-lines', {
      image: BUSYBOX_IMAGE,
      command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo "epoch $i loss 0.$((10 - i))"; sleep 1; done; echo done >&2'],
    });
    const { name } = kubernetesJobNames(job);

    const result = await runner.run(job, ctx);

    expect(result.exitCode).toBe(0);
    const expected = ['epoch 1 loss 0.9', 'epoch 2 loss 0.8', 'epoch 3 loss 0.7', 'epoch 4 loss 0.6', 'epoch 5 loss 0.5', 'done'];
    const taskLogLines = log.lines.filter((line) => line.startsWith('epoch') || line === 'done');
    expect(taskLogLines).toEqual(expected);
    const logFile = await readFile(job.logFile, 'utf8');
    for (const line of expected) expect(logFile).toContain(line);
    // The runner saw the pod run and said so in its heartbeats.
    expect(ctx.heartbeats.length).toBeGreaterThan(1);
    expect(ctx.heartbeats).toContainEqual(expect.objectContaining({ job: name, phase: 'Running' }));
    expect(ctx.heartbeats.at(-1)).toMatchObject({ job: name, logLines: expect.any(Number) as number });
    expect((ctx.heartbeats.at(-1) as { logLines: number }).logLines).toBeGreaterThanOrEqual(expected.length);
    expect(await runner.jobsOf(job.runId, job.taskId)).toEqual([]);
  }, 180_000);

  it("fails with the container's real exit code when the pod fails, with its output in the log", async () => {
    const log = recordingLog();
    const job = testJob(path.join(dir, 'fail'), 'run-fail', { image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo "loading data"; echo "out of data" >&2; exit 7'] });
    const error = await runner.run(job, testContext(log)).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(TrainingFailedError);
    expect((error as TrainingFailedError).exitCode).toBe(7);
    expect((error as TrainingFailedError).logTail).toContain('out of data');
    expect(log.lines).toContain('loading data');
    expect(await runner.jobsOf(job.runId, job.taskId)).toEqual([]);
  }, 180_000);

  it('deletes the Job and its running pod when the task is cancelled', async () => {
    const log = recordingLog();
    const ctx = testContext(log);
    const job = testJob(path.join(dir, 'cancel'), 'run-cancel', { image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo started; sleep 600'] });
    const { name } = kubernetesJobNames(job);
    const running = runner.run(job, ctx);
    // Cancel only once the pod really runs and its first line reached the task log.
    await waitFor('the pod to print its first line', () => (log.lines.includes('started') ? true : undefined), 120_000);
    expect(await podsOfJob(name)).toHaveLength(1);
    const reason = new Error('cancelled by test');
    ctx.controller.abort(reason);

    await expect(running).rejects.toBe(reason);
    expect(await runner.jobsOf(job.runId, job.taskId)).toEqual([]);
    // The pod goes too: the kubelet stops its container and the API server removes it.
    await waitFor('the pod to be gone', async () => ((await podsOfJob(name)).length === 0 ? true : undefined), 90_000);
    expect(await readFile(job.logFile, 'utf8')).toContain('cancelled: deleting Kubernetes Job');
  }, 240_000);
});
