import { withLocalCopy } from '../../artifacts/local-copy.ts';
import { productionVersion, verifyArtifact } from '../../registry/index.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import { failFastOnRegistryError } from '../promotion/non-retryable.ts';
import { resolveOption, type Resolve } from '../promotion/task-options.ts';
import { requireServices } from '../runtime.ts';
import { evaluateGate, GateConfigError, type GateComparison, type GateConfig } from './gate.ts';
import { localProcessEvaluation, type EvaluationMetrics, type RunEvaluation } from './local-runner.ts';

export { evaluateGate, checkGateConfig, GateConfigError } from './gate.ts';
export type { GateConfig, GateCandidate, GateComparison, GateResult } from './gate.ts';
export { localProcessEvaluation, EvaluationFailedError, parseMetrics } from './local-runner.ts';
export type { RunEvaluation, EvaluationMetrics, EvaluationRequest, LocalEvaluationOptions } from './local-runner.ts';

export interface EvaluateOptions<P, U> {
  /** Registered model name. */
  model: Resolve<P, U, string>;
  /** The challenger: a registered version, usually the upstream registration's output. */
  challengerVersion: Resolve<P, U, number>;
  /** Holdout data both models are scored on: a path or `file://` URI. */
  holdoutPath: Resolve<P, U, string>;
  gate: GateConfig;
  /** How to score one model. Default: `localProcessEvaluation({ command })`. */
  runEvaluation?: RunEvaluation;
  /** Command for the default local runner; needed when `runEvaluation` is not given. */
  command?: readonly string[];
  /** Metric that carries the measured latency for the gate's `maxLatencyMs`. Default `latency_ms`. */
  latencyMetric?: string;
}

export interface EvaluatedModel {
  version: number;
  metrics: EvaluationMetrics;
}

/** The task's output: small JSON, safe for workflow history. */
export interface EvaluationOutcome {
  passed: boolean;
  reasons: string[];
  challenger: EvaluatedModel;
  champion: EvaluatedModel | null;
  comparison: GateComparison;
}

/**
 * A task body that scores the challenger and the production champion on the same holdout
 * data and applies the champion/challenger gate. Both artifacts are checked against their
 * registered sha256 first, so a corrupt model fails the task instead of being scored.
 *
 * @example
 * .task('evaluate', { needs: ['register'] }, evaluate({
 *   model: 'churn',
 *   challengerVersion: (ctx) => ctx.outputs.register.version,
 *   holdoutPath: (ctx) => ctx.params.holdout,
 *   command: ['python', 'evaluate.py'],
 *   gate: { metric: 'auc', greaterIsBetter: true, threshold: 0.8, minRelativeChange: 0.01 },
 * }))
 */
export function evaluate<P, U>(options: EvaluateOptions<P, U>): (ctx: TaskContext<P, U>) => Promise<EvaluationOutcome> {
  if (!options.runEvaluation && !options.command) throw new GateConfigError('command', 'evaluate() needs a command or a runEvaluation function');
  const run = options.runEvaluation ?? localProcessEvaluation({ command: options.command ?? [] });
  const latencyMetric = options.latencyMetric ?? 'latency_ms';

  return async (ctx) => {
    const { db, artifacts } = requireServices(ctx.services);
    const [model, version, holdoutPath] = await Promise.all([resolveOption(options.model, ctx), resolveOption(options.challengerVersion, ctx), resolveOption(options.holdoutPath, ctx)]);
    const [challenger, champion] = await Promise.all([verifyArtifact(db, model, version, artifacts), productionVersion(db, model)]).catch(failFastOnRegistryError);
    if (champion?.version === challenger.version) {
      throw new NonRetryableError(`${model} v${version} is already the production version; there is nothing to compare it with`);
    }
    if (champion) await verifyArtifact(db, model, champion.version, artifacts).catch(failFastOnRegistryError);

    ctx.log.info('evaluating challenger and champion', { model, challenger: version, champion: champion?.version ?? null });
    // A model or holdout in a remote store (s3://) is scored from a local copy.
    const score = (uri: string, role: string) =>
      withLocalCopy(artifacts, uri, (model) => withLocalCopy(artifacts, holdoutPath, (holdout) => run(model, holdout, { signal: ctx.signal, role, log: ctx.log })));
    const [challengerMetrics, championMetrics] = await Promise.all([
      score(challenger.artifactUri, 'challenger'),
      champion ? score(champion.artifactUri, 'champion') : Promise.resolve(null),
    ]);
    const result = evaluateGate(
      options.gate,
      { metrics: challengerMetrics, latencyMs: challengerMetrics[latencyMetric], sizeBytes: challenger.sizeBytes },
      champion && championMetrics ? { metrics: championMetrics, latencyMs: championMetrics[latencyMetric], sizeBytes: champion.sizeBytes } : null,
    );
    ctx.log.info(result.passed ? 'challenger passed the gate' : 'challenger failed the gate', { reasons: result.reasons });
    if (!result.passed) {
      // The DAG's onRejection callbacks hear about it; a passing challenger is announced by promote().
      const { metric, greaterIsBetter } = options.gate;
      const challengerValue = result.comparison.challenger;
      const metrics = challengerValue === null ? [] : [{ metric, champion: result.comparison.champion, challenger: challengerValue, higherIsBetter: greaterIsBetter }];
      ctx.emit('rejection', { model, version, metrics, reasons: result.reasons });
    }
    return {
      passed: result.passed,
      reasons: result.reasons,
      challenger: { version: challenger.version, metrics: challengerMetrics },
      champion: champion && championMetrics ? { version: champion.version, metrics: championMetrics } : null,
      comparison: result.comparison,
    };
  };
}
