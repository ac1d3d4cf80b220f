import { dag } from 'weir';
import { train } from 'weir/ops';
import { z } from 'zod';

const SLOTS = ['FAULT_SECRET_0', 'FAULT_SECRET_1', 'FAULT_SECRET_2', 'FAULT_SECRET_3'] as const;
const secret = (slot: number) => process.env[SLOTS[slot] ?? 'FAULT_SECRET_0'] ?? 'unset';

// The job prints every secret it was handed to stdout and stderr and writes them into its
// metrics, as a careless script would.
const LEAKING_JOB = [
  "const s = ['FAULT_SECRET_0', 'FAULT_SECRET_1', 'FAULT_SECRET_2', 'FAULT_SECRET_3'].map((name) => process.env[name] ?? '').join(' ');",
  'console.log(`job echoes ${s}`);',
  'console.error(`job complains ${s}`);',
  "require('node:fs').writeFileSync(require('node:path').join(process.env.OUTPUT_DIR, 'metrics.json'), JSON.stringify({ token: s, note: `t=${s}` }));",
].join('\n');

/**
 * Tasks that leak the secret of one slot (params.slot) every way they can: log it, return it
 * (as a value and as a key), emit it, put it in heartbeat details, throw it, and a training job
 * that echoes it and returns it in its metrics. Every slot is declared secret, so the worker
 * masks whichever the run picks.
 */
export default dag({ id: 'fault_leaky', params: z.object({ slot: z.number().int().min(0).max(3) }), defaults: { secretEnv: [...SLOTS] } })
  .task('logs', async (ctx) => {
    ctx.log.info(`the secret is ${secret(ctx.params.slot)}`, { secret: secret(ctx.params.slot), url: `https://u:${encodeURIComponent(secret(ctx.params.slot))}@h` });
    ctx.heartbeat({ secret: secret(ctx.params.slot) });
    return null;
  })
  .task('returns', async (ctx) => ({ value: secret(ctx.params.slot), [secret(ctx.params.slot)]: 'as a key', nested: [{ deep: `x${secret(ctx.params.slot)}y` }] }))
  .task('emits', async (ctx) => {
    ctx.emit('drift', { secret: secret(ctx.params.slot) });
    return 'emitted';
  })
  .task('throws', async (ctx) => {
    throw new Error(`cannot log in with ${secret(ctx.params.slot)} (${JSON.stringify({ secret: secret(ctx.params.slot) })})`);
  })
  .task(
    'job',
    train({
      command: ['sh', '-c', 'exec node -e "$FAULT_JOB"'],
      env: { FAULT_JOB: LEAKING_JOB },
      optionalSecretEnv: [...SLOTS],
    }),
  );
