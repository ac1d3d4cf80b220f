/**
 * The `train` operator and its runners: a local process (default) or a container through the
 * Docker Engine API, or a Kubernetes Job.
 */
export { train, dockerRunner, localProcessRunner, CONTAINER_INPUT_ROOT } from './train.ts';
export type { TrainOptions, TrainResult } from './train.ts';
export { LocalProcessRunner } from './local-runner.ts';
export type { LocalProcessRunnerOptions } from './local-runner.ts';
export { DockerRunner, LABEL_RUN, LABEL_TASK, LABEL_ATTEMPT, LABEL_JOB } from './docker-runner.ts';
export type { DockerRunnerOptions } from './docker-runner.ts';
export { KubernetesRunner, kubernetesRunner } from './kubernetes-runner.ts';
export type { KubernetesRunnerOptions } from './kubernetes-runner.ts';
export { buildKubernetesJob, kubernetesJobNames, K8S_LABEL_KEY, K8S_LABEL_ATTEMPT, K8S_LABEL_JOB } from './kubernetes-job.ts';
export type { KubernetesJobSettings, SecretKeyRef } from './kubernetes-job.ts';
export { jobNames, inputVariable } from './job.ts';
export type { ContainerRunner, TrainingJob, JobInput, JobContext, JobResult, JobOutputs } from './job.ts';
export { METRICS_FILE } from './outputs.ts';
export { declaredSecretEnv } from './secrets.ts';
export {
  TrainingFailedError,
  MissingSecretError,
  InvalidTrainingJobError,
  TrainingOutputError,
  ContainerImageMissingError,
} from './errors.ts';
