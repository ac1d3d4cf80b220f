import { dag } from 'weir';
import { detectDrift, email, emailOn, withLocalCopy, evaluate, localProcessEvaluation, findBaseline, promote, registerModel, rollback, train, validateData, computeBaseline, saveBaseline } from 'weir/ops';
import { z } from 'zod';
import { batchEndFor, MODEL_NAME, prepareWeeklyBatch, PYTHON_PATH, runSmokeCheck, SCRIPTS_DIR } from './weekly_retrain/_data.ts';

const TEAM = ['ml-team@weir.local'];
const FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind', 'weather'];

const scoreWithScikit = localProcessEvaluation({ command: ['python3', `${SCRIPTS_DIR}evaluate.py`], env: { PYTHONPATH: PYTHON_PATH } });
const evaluationOf = (gate: Parameters<typeof evaluate>[0]['gate']) =>
  evaluate<unknown, { register: { version: number }; prepare: { holdoutUri: string } }>({
    model: MODEL_NAME,
    challengerVersion: (ctx) => ctx.outputs.register.version,
    holdoutPath: (ctx) => ctx.outputs.prepare.holdoutUri,
    runEvaluation: scoreWithScikit,
    gate,
  });
const evaluateStrictly = evaluationOf({ metric: 'accuracy', greaterIsBetter: true, threshold: 0.6, minAbsoluteChange: 0.0001, maxLatencyMs: 50 });
const evaluateThresholdOnly = evaluationOf({ metric: 'accuracy', greaterIsBetter: true, threshold: 0.6, maxLatencyMs: 50 });

/**
 * The weekly loop on real data: Seattle's daily weather, one week per run. Validate the new
 * batch, check it for drift against the champion's baseline, train a challenger, score it
 * against the champion on the same holdout, and only then promote it, or reject it. A
 * promoted model is smoke-checked and rolled back if the check fails.
 */
export default dag({
  id: 'weekly_retrain',
  description: 'Retrain the Seattle weather classifier weekly; validate, check drift, evaluate, promote or reject',
  schedule: '@weekly',
  timezone: 'UTC',
  catchup: false,
  maxActiveRuns: 1,
  params: z.object({
    /** Last day of the week to process; by default the logical date replayed in 2015. */
    batchEnd: z.string().optional(),
    /** Use this CSV as the week's batch instead of the dataset (for bad-data drills). */
    batchFile: z.string().optional(),
    /** Make the post-promotion smoke check fail, to exercise the rollback. */
    smokeFail: z.boolean().default(false),
    /** Require the challenger to beat the champion; off, the accuracy threshold alone decides. */
    requireImprovement: z.boolean().default(true),
  }),
  defaults: { retries: 2, retryDelay: '5s', timeout: '15m' },
  callbacks: { onFailure: emailOn({ to: TEAM }), onDrift: emailOn({ to: TEAM }) },
})
  .task('prepare', async (ctx) =>
    prepareWeeklyBatch(ctx.services.artifacts, ctx.run.runId, ctx.taskId, ctx.params.batchEnd ?? batchEndFor(ctx.run.logicalDate), ctx.params.batchFile),
  )
  .task(
    'validate',
    { needs: ['prepare'] },
    validateData({
      file: (ctx) => ctx.outputs.prepare.batchUri,
      expectations: {
        columns: {
          date: { type: 'date', notNull: true, unique: true },
          precipitation: { type: 'numeric', notNull: true, between: [0, 200] },
          temp_max: { type: 'numeric', notNull: true, between: [-30, 50] },
          temp_min: { type: 'numeric', notNull: true, between: [-30, 50] },
          wind: { type: 'numeric', notNull: true, between: [0, 30] },
          weather: { type: 'string', notNull: true, allowedValues: ['drizzle', 'rain', 'sun', 'snow', 'fog'] },
        },
        rowCount: { min: 5, max: 10 },
        schema: { allowExtraColumns: false },
      },
    }),
  )
  .task('drift', { needs: ['prepare', 'validate'] }, async (ctx) => {
    // The first run has no champion, so there is no baseline to drift from yet.
    if (!(await findBaseline(ctx.services.db, { modelName: MODEL_NAME }))) return { drifted: false, driftedColumns: [], share: 0, checked: false };
    const check = detectDrift({ current: ctx.outputs.prepare.batchUri, baseline: { modelName: MODEL_NAME }, columns: FEATURES });
    return { ...(await check(ctx)), checked: true };
  })
  .task(
    'train',
    { needs: ['prepare', 'drift'], heartbeatTimeout: '1m' },
    train({
      command: ['python3', `${SCRIPTS_DIR}train.py`],
      env: { PYTHONPATH: PYTHON_PATH },
      inputs: (ctx) => ({ train: ctx.outputs.prepare.trainUri }),
      // A secret, passed by name from the worker's environment; without it the job trains untracked.
      optionalSecretEnv: ['WEIR_EXAMPLE_TRACKING_TOKEN'],
      modelPath: 'model.pkl',
    }),
  )
  .task(
    'register',
    { needs: ['train', 'prepare'] },
    registerModel({
      model: MODEL_NAME,
      artifact: (ctx) => ctx.outputs.train.modelUri,
      metrics: (ctx) => ({ cv_accuracy: Number(ctx.outputs.train.metrics?.cv_accuracy ?? 0) }),
      params: (ctx) => ({ batchEnd: ctx.outputs.prepare.batchEnd, trainRows: ctx.outputs.prepare.trainRows }),
      data: (ctx) => ({ path: ctx.outputs.prepare.trainUri, sha256: ctx.outputs.prepare.trainSha256 }),
    }),
  )
  .task('evaluate', { needs: ['register', 'prepare'] }, async (ctx) => (ctx.params.requireImprovement ? evaluateStrictly : evaluateThresholdOnly)(ctx))
  .branch('route', { needs: ['evaluate'] }, (ctx) => (ctx.outputs.evaluate.passed ? 'promote' : 'reject'))
  .task(
    'promote',
    { needs: ['route', 'register', 'evaluate'] },
    promote({
      model: MODEL_NAME,
      version: (ctx) => ctx.outputs.register.version,
      reason: (ctx) => ctx.outputs.evaluate.reasons.join('; '),
      evidence: (ctx) => ctx.outputs.evaluate,
    }),
  )
  .task('store_baseline', { needs: ['promote', 'prepare'] }, async (ctx) => {
    const { artifacts, db } = ctx.services;
    const computed = await withLocalCopy(artifacts, ctx.outputs.prepare.trainUri, (train) => computeBaseline(train, { columns: FEATURES, categorical: ['weather'] }));
    // The reference is the training file's URI, not the local copy: any worker reads it again at check time.
    const saved = await saveBaseline(db, { modelName: MODEL_NAME, modelVersion: String(ctx.outputs.promote.version), ...computed, datasetPath: ctx.outputs.prepare.trainUri });
    return { baselineId: saved.id };
  })
  .task(
    'announce',
    { needs: ['store_baseline', 'promote', 'evaluate'] },
    email({
      to: TEAM,
      subject: (ctx) => `[weir] ${MODEL_NAME} v${ctx.outputs.promote.version} promoted to production`,
      text: (ctx) =>
        `Run ${ctx.run.runId} promoted ${MODEL_NAME} v${ctx.outputs.promote.version} (previous: ${ctx.outputs.promote.previousVersion ?? 'none'}).\n` +
        `Gate: ${ctx.outputs.evaluate.reasons.join('; ')}\n` +
        `Challenger: ${JSON.stringify(ctx.outputs.evaluate.challenger.metrics)}\nChampion: ${JSON.stringify(ctx.outputs.evaluate.champion?.metrics ?? null)}`,
    }),
  )
  .task('smoke_check', { needs: ['promote'] }, async (ctx) =>
    withLocalCopy(ctx.services.artifacts, ctx.outputs.promote.artifactUri, (model) =>
      runSmokeCheck(model.startsWith('file:') ? new URL(model).pathname : model, ctx.signal, ctx.params.smokeFail),
    ),
  )
  .branch('after_smoke', { needs: ['smoke_check'] }, (ctx) => (ctx.outputs.smoke_check.passed ? [] : ['rollback']))
  .task('rollback', { needs: ['after_smoke'] }, rollback({ model: MODEL_NAME, reason: (ctx) => `smoke check failed in run ${ctx.run.runId}` }))
  .task(
    'reject',
    { needs: ['route', 'evaluate'] },
    email({
      to: TEAM,
      subject: (ctx) => `[weir] ${MODEL_NAME} challenger v${ctx.outputs.evaluate.challenger.version} rejected`,
      text: (ctx) =>
        `Run ${ctx.run.runId} kept the champion (v${ctx.outputs.evaluate.champion?.version ?? 'none'}).\n` +
        `Gate: ${ctx.outputs.evaluate.reasons.join('; ')}\n` +
        `Challenger: ${JSON.stringify(ctx.outputs.evaluate.challenger.metrics)}\nChampion: ${JSON.stringify(ctx.outputs.evaluate.champion?.metrics ?? null)}`,
    }),
  );
