/** How an error thrown while importing a DAG file reads in a one-line problem. */
export function describeImportError(error: unknown): string {
  if (!(error instanceof Error)) return `the file threw while it was imported: ${firstLine(describeThrownValue(error))}`;
  const first = firstLine(error.message);
  if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return `import error: ${first}`;
  return `the file threw while it was imported: ${error.name}: ${first}`;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}

/**
 * A thrown non-Error as text. `String()` itself throws for an object without a prototype or with a
 * throwing `toString`; that must not escape, or the loading process never reports the file and
 * it is blamed as a time-out.
 */
function describeThrownValue(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
