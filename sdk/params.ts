import type { Dag } from './dag.ts';
import { InvalidParamsError } from './errors.ts';

/** Validates what a trigger passed against the DAG's params schema and applies its defaults. */
export function validateParams(dag: Dag<unknown, Record<string, unknown>>, raw: unknown): Record<string, unknown> {
  const input = raw === undefined || raw === null ? {} : raw;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidParamsError(dag.id, [`params must be a JSON object, got ${Array.isArray(input) ? 'an array' : typeof input}`]);
  }
  const schema = dag.config.params;
  if (!schema) return input as Record<string, unknown>;
  const result = schema.safeParse(input);
  if (result.success) return result.data as Record<string, unknown>;
  const issues = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
  throw new InvalidParamsError(dag.id, issues);
}
