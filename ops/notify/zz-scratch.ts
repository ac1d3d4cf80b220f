import { dag } from '../../sdk/dag.ts';
import { email } from './email-operator.ts';
export const d = dag({ id: 'x' })
  .task('evaluate', async () => ({ passed: true, reasons: ['a'] }))
  .task('report', { needs: ['evaluate'] }, email({ to: 'a@example.com', subject: (ctx) => `x ${ctx.outputs.evaluate.passed ? 'passed' : 'no'}`, text: (ctx) => ctx.outputs.evaluate.reasons.join('\n') }));
