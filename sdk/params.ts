import type { Dag } from './dag.ts';
import { InvalidParamsError } from './errors.ts';

/**
 * Validates what a trigger passed against the DAG's params schema and applies its defaults.
 * A key the schema does not know is an error naming the closest known key (a typo must not
 * silently fall back to the default), unless the schema takes extra keys (zod's `looseObject`,
 * `passthrough` or `catchall`).
 */
export function validateParams(dag: Dag<unknown, Record<string, unknown>>, raw: unknown): Record<string, unknown> {
  const input = raw === undefined || raw === null ? {} : raw;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidParamsError(dag.id, [`params must be a JSON object, got ${Array.isArray(input) ? 'an array' : typeof input}`]);
  }
  const schema = dag.config.params;
  if (!schema) return input as Record<string, unknown>;
  const known = closedObjectKeys(schema);
  const unknownKeys = known ? Object.keys(input).filter((key) => !known.includes(key)) : [];
  const keyIssues = unknownKeys.map((key) => describeUnknownKey(key, known ?? []));
  const result = schema.safeParse(input);
  if (result.success && keyIssues.length === 0) return result.data as Record<string, unknown>;
  const issues = result.success
    ? []
    : result.error.issues
        // Unknown keys are reported above, once, with a suggestion.
        .filter((issue) => !(known && (issue as { code?: string }).code === 'unrecognized_keys'))
        .map((issue) => {
          const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
          return `${where}: ${issue.message}`;
        });
  throw new InvalidParamsError(dag.id, [...keyIssues, ...issues]);
}

function describeUnknownKey(key: string, known: readonly string[]): string {
  const closest = closestKey(key, known);
  const hint = closest ? `did you mean "${closest}"?` : 'the DAG takes no params';
  return `${key}: unknown param, ${hint} (known: ${known.join(', ') || 'none'})`;
}

interface ZodLikeDef {
  type?: string;
  shape?: Record<string, unknown>;
  catchall?: { _zod?: { def?: ZodLikeDef } };
  innerType?: { _zod?: { def?: ZodLikeDef } };
  in?: { _zod?: { def?: ZodLikeDef } };
}

/**
 * The keys of a zod object schema that refuses or drops extra keys; null when the schema takes
 * extra keys or is not a zod object (then only the schema itself decides). Looks through
 * `.default()`, `.optional()` and `.transform()` wrappers.
 */
export function closedObjectKeys(schema: unknown): string[] | null {
  let def = (schema as { _zod?: { def?: ZodLikeDef } } | null)?._zod?.def;
  for (let depth = 0; def && depth < 10; depth++) {
    if (def.type === 'object' && def.shape) {
      const catchall = def.catchall?._zod?.def?.type;
      return catchall === undefined || catchall === 'never' ? Object.keys(def.shape) : null;
    }
    def = (def.innerType ?? def.in)?._zod?.def;
  }
  return null;
}

/** The known key with the smallest edit distance to `key`. */
export function closestKey(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
