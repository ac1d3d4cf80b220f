import { dag } from 'weir';
import { localProcessRunner, registerModel, train } from 'weir/ops';
import { z } from 'zod';

/**
 * A training job run by the local process runner: a shell that sleeps (for a long time on its
 * first attempt, so a test can kill the worker under it), then writes a tiny model, which the
 * next task registers. `stateDir` keeps the runner's pid files where the test can read them.
 */
const trainingScript = [
  'case "$WEIR_JOB_NAME" in *-a1) sleep "$FIRST_ATTEMPT_SLEEP" ;; *) sleep 1 ;; esac',
  'echo "weights from $WEIR_JOB_NAME" > "$OUTPUT_DIR/model.bin"',
  'echo \'{"accuracy": 0.91}\' > "$OUTPUT_DIR/metrics.json"',
].join('\n');

export default dag({
  id: 'train_then_register',
  params: z.object({ model: z.string(), stateDir: z.string(), firstAttemptSleepSeconds: z.number().int().positive() }),
  defaults: { retries: 2, retryDelay: '200ms' },
})
  .task('train', { heartbeatTimeout: '3s', timeout: '10m' }, (ctx, item?: unknown, index?: number) =>
    train({
      command: ['sh', '-c', trainingScript],
      env: { FIRST_ATTEMPT_SLEEP: String(ctx.params.firstAttemptSleepSeconds) },
      runner: localProcessRunner({ stateDir: ctx.params.stateDir, heartbeatIntervalMs: 500, killGraceMs: 1_000 }),
      modelPath: 'model.bin',
    })(ctx, item, index),
  )
  .task(
    'register',
    { needs: ['train'] },
    registerModel({
      model: (ctx) => ctx.params.model,
      artifact: (ctx) => ctx.outputs.train.modelUri,
      metrics: (ctx) => ({ accuracy: Number(ctx.outputs.train.metrics?.accuracy ?? 0) }),
      data: { path: 'memory://none', sha256: '0'.repeat(64) },
    }),
  );
