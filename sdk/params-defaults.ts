import type { Dag } from './dag.ts';
import type { DagProblem } from './errors.ts';

interface SchemaNode {
  def?: { type?: string; innerType?: SchemaNode; defaultValue?: unknown };
  shape?: Record<string, SchemaNode>;
  safeParse?(input: unknown): { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

const WRAPPERS = new Set(['optional', 'nullable', 'readonly']);

/**
 * zod hands a `.default(value)` back without parsing it, so a default that breaks its own
 * schema would reach a run unchecked. This parses each top-level default with the schema it
 * stands for, at load time, and names the field that does not fit.
 */
export function checkParamsDefaults(dag: Dag<unknown, Record<string, unknown>>, file: string): DagProblem[] {
  const shape = (dag.config.params as SchemaNode | undefined)?.shape;
  if (!shape || typeof shape !== 'object') return [];
  const problems: DagProblem[] = [];
  for (const [field, node] of Object.entries(shape)) {
    let current: SchemaNode | undefined = node;
    while (current?.def?.type && WRAPPERS.has(current.def.type)) current = current.def.innerType;
    if (current?.def?.type !== 'default') continue;
    const inner = current.def.innerType;
    if (!inner?.safeParse) continue;
    let value: unknown;
    try {
      value = current.def.defaultValue;
    } catch (error) {
      problems.push({ file, dagId: dag.id, field: `params.${field}`, message: `the default could not be computed: ${(error as Error).message}` });
      continue;
    }
    const result = inner.safeParse(value);
    if (result.success) continue;
    const issue = result.error?.issues[0];
    const at = issue && issue.path.length > 0 ? ` (at ${issue.path.map(String).join('.')})` : '';
    problems.push({ file, dagId: dag.id, field: `params.${field}`, message: `default ${safeJson(value)} violates its own schema: ${issue?.message ?? 'invalid'}${at}` });
  }
  return problems;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
