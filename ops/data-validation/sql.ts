import type { AllowedValue } from './expectations.ts';

/*
 * Column names and allowed values come from users and from the data file's own header, so
 * everything spliced into SQL goes through these quoting rules; nothing is concatenated raw.
 */

/** A DuckDB identifier: double quotes, embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error(`identifier contains a NUL byte: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** A DuckDB string literal: single quotes, embedded quotes doubled. */
export function quoteString(value: string): string {
  if (value.includes('\0')) throw new Error(`string contains a NUL byte: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** A literal for an allowed value; numbers were checked finite when the expectations were. */
export function literal(value: AllowedValue): string {
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}
