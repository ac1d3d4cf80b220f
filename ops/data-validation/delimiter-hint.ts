const CANDIDATE_DELIMITERS = [';', '\t', '|', ','] as const;

function describe(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `'${delimiter}'`;
}

/**
 * Explains a header that was split with the wrong delimiter: European exports use `;`, and a
 * `;` file read as `,` shows up as one long column while every expected column is missing.
 * Returns a sentence naming the delimiter that would have found the missing columns.
 *
 * @example
 * wrongDelimiterHint('date;temp', ',', ['temp']) // "the file looks ';'-separated ..."
 */
export function wrongDelimiterHint(header: string | undefined, usedDelimiter: string | undefined, missingColumns: readonly string[]): string | undefined {
  if (header === undefined || missingColumns.length === 0) return undefined;
  for (const candidate of CANDIDATE_DELIMITERS) {
    if (candidate === usedDelimiter) continue;
    const fields = header.split(candidate).map((field) => field.trim().replace(/^"(.*)"$/, '$1'));
    if (fields.length < 2) continue;
    if (missingColumns.some((column) => fields.includes(column))) {
      const used = usedDelimiter === undefined ? 'the detected delimiter' : `${describe(usedDelimiter)}`;
      return `the file looks ${describe(candidate)}-separated but was read with ${used}; set csv.delimiter to ${JSON.stringify(candidate)}`;
    }
  }
  return undefined;
}
