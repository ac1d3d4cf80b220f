/** How an error thrown while importing a DAG file reads in a one-line problem. */
export function describeImportError(error: unknown): string {
  if (!(error instanceof Error)) return `the file threw while it was imported: ${String(error)}`;
  const firstLine = error.message.split('\n').find((line) => line.trim() !== '') ?? error.message;
  if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return `import error: ${firstLine}`;
  return `the file threw while it was imported: ${error.name}: ${firstLine}`;
}
