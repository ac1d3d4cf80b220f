import { createReadStream } from 'node:fs';

/** The first record whose field count differs from the header's. */
export interface RaggedCsvLine {
  /** 1-based line number where the record starts (the header is line 1). */
  line: number;
  fields: number;
  headerFields: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Streams a CSV once, in constant memory, and returns the first record whose number of fields
 * differs from the header's: a ragged row, a footer such as `Total,42`, or a short last line.
 * Follows RFC 4180 quoting (delimiters and newlines inside `"..."` do not count, `""` is a
 * quote), skips blank lines, and returns null when every record fits. Validation and drift both
 * call it, so a ragged file is named the same way by each.
 *
 * @example
 * const ragged = await findRaggedCsvLine('data/batch.csv', { delimiter: ',' });
 * if (ragged) throw new Error(raggedCsvMessage('data/batch.csv', ragged));
 */
export async function findRaggedCsvLine(file: string, options: { delimiter?: string; signal?: AbortSignal } = {}): Promise<RaggedCsvLine | null> {
  const delimiter = Buffer.from(options.delimiter ?? ',', 'utf8');
  // Multi-byte delimiters are rare; DuckDB reports those files itself.
  if (delimiter.length !== 1) return null;
  const sep = delimiter[0];
  let line = 1;
  let recordStart = 1;
  let fields = 1;
  let recordHasContent = false;
  let inQuotes = false;
  let quotePending = false; // saw a quote inside quotes: either the closing one or the first of `""`
  let headerFields: number | null = null;
  let previousWasCr = false;

  const endRecord = (): RaggedCsvLine | null => {
    if (!recordHasContent) return null; // blank line
    if (headerFields === null) headerFields = fields;
    else if (fields !== headerFields) return { line: recordStart, fields, headerFields };
    return null;
  };

  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024, signal: options.signal })) {
    const bytes = chunk as Buffer;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (quotePending) {
        quotePending = false;
        if (byte === QUOTE) continue; // an escaped quote: still inside
        inQuotes = false;
      }
      if (inQuotes) {
        if (byte === QUOTE) quotePending = true;
        else if (byte === LF) line++;
        continue;
      }
      if (byte === LF) {
        if (!previousWasCr) {
          const ragged = endRecord();
          if (ragged) return ragged;
        }
        previousWasCr = false;
        line++;
        recordStart = line;
        fields = 1;
        recordHasContent = false;
        continue;
      }
      if (byte === CR) {
        const ragged = endRecord();
        if (ragged) return ragged;
        previousWasCr = true;
        fields = 1;
        recordHasContent = false;
        continue;
      }
      previousWasCr = false;
      recordHasContent = true;
      if (byte === sep) fields++;
      else if (byte === QUOTE) inQuotes = true;
    }
  }
  return endRecord();
}

/** One line for a report or error: which file, which line, how many fields against the header's. */
export function raggedCsvMessage(file: string, ragged: RaggedCsvLine): string {
  return `${file} line ${ragged.line} has ${ragged.fields} field${ragged.fields === 1 ? '' : 's'}, but the header has ${ragged.headerFields}`;
}

/** The likeliest delimiter of a header line, for files read with delimiter auto-detection. */
export function guessDelimiter(header: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t', '|']) {
    const found = header.split(candidate).length - 1;
    if (found > bestCount) {
      best = candidate;
      bestCount = found;
    }
  }
  return best;
}
