import type { TypeFamily } from './expectations.ts';

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);
const FLOAT_TYPES = new Set(['FLOAT', 'DOUBLE']);
const TIMESTAMP_TYPES = new Set(['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS']);

/** The family of a DuckDB type name, or undefined for types outside every family (lists, blobs...). */
export function familyOf(duckdbType: string): Exclude<TypeFamily, 'numeric'> | undefined {
  const type = duckdbType.toUpperCase();
  if (INTEGER_TYPES.has(type)) return 'integer';
  if (FLOAT_TYPES.has(type) || type.startsWith('DECIMAL')) return 'float';
  if (type === 'VARCHAR') return 'string';
  if (type === 'DATE') return 'date';
  if (TIMESTAMP_TYPES.has(type)) return 'timestamp';
  if (type === 'BOOLEAN') return 'boolean';
  return undefined;
}

export function isNumericType(duckdbType: string): boolean {
  const family = familyOf(duckdbType);
  return family === 'integer' || family === 'float';
}

/** FLOAT and DOUBLE can hold NaN and ±Infinity; integers and DECIMAL cannot. */
export function canBeNonFinite(duckdbType: string): boolean {
  return FLOAT_TYPES.has(duckdbType.toUpperCase());
}

export function familyMatches(expected: TypeFamily, duckdbType: string): boolean {
  const family = familyOf(duckdbType);
  if (expected === 'numeric') return family === 'integer' || family === 'float';
  return family === expected;
}

/**
 * The type a text column is test-cast to, to count values that do not fit the expected family
 * (the usual cause of a CSV column sniffed as VARCHAR).
 */
export function castTargetFor(expected: TypeFamily): string | undefined {
  switch (expected) {
    case 'integer':
      return 'BIGINT';
    case 'float':
    case 'numeric':
      return 'DOUBLE';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return undefined;
  }
}
