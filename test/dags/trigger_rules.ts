import { dag, NonRetryableError, type TriggerRule } from 'weir';

const RULES: TriggerRule[] = [
  'all_success', 'all_failed', 'all_done', 'all_skipped', 'one_success', 'one_failed',
  'one_done', 'none_failed', 'none_failed_min_one_success', 'none_skipped', 'always',
];

/** Three upstream tasks end as success, failed and skipped; every rule sees each pair of them. */
let definition = dag({ id: 'trigger_rules' })
  .branch('route', {}, () => ['up_ok', 'up_fail'])
  .task('up_ok', { needs: ['route'] }, async () => 'ok')
  .task('up_fail', { needs: ['route'] }, async (): Promise<string> => {
    throw new NonRetryableError('planned failure');
  })
  .task('up_skip', { needs: ['route'] }, async () => 'never runs');

const PAIRS = { ok_fail: ['up_ok', 'up_fail'], ok_skip: ['up_ok', 'up_skip'], fail_skip: ['up_fail', 'up_skip'] } as const;
for (const rule of RULES) {
  for (const [pair, needs] of Object.entries(PAIRS)) {
    definition = definition.task(`${rule}__${pair}`, { needs, triggerRule: rule }, async () => 'ran') as unknown as typeof definition;
  }
}

export default definition;
