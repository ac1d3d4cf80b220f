import { InvalidArgumentError } from 'commander';

/** One `--param key=value`; the value is JSON when it parses as JSON, else the raw string. */
export function parseParamPair(pair: string): [string, unknown] {
  const separator = pair.indexOf('=');
  if (separator <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value (example: --param minRows=500)`);
  const key = pair.slice(0, separator).trim();
  if (key === '') throw new InvalidArgumentError(`"${pair}" has an empty key`);
  return [key, parseParamValue(pair.slice(separator + 1))];
}

/** `500` -> 500, `true` -> true, `["eu"]` -> ["eu"], `eu` -> "eu": people should not need to quote strings. */
export function parseParamValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Commander collector for the repeatable `--param`. */
export function collectParamPair(pair: string, previous: [string, unknown][] = []): [string, unknown][] {
  return [...previous, parseParamPair(pair)];
}

/** A JSON object option; `example` shows what it should look like in the error. */
export function parseJsonObject(text: string, example: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`must be a JSON object ${example}`);
  }
  return parsed as Record<string, unknown>;
}

export function parseParamsJson(text: string): Record<string, unknown> {
  return parseJsonObject(text, 'such as {"minRows": 500}');
}

/** `--param` pairs win over `--params-json`, so a saved JSON file can be tweaked per run. */
export function mergeParams(json: Record<string, unknown> | undefined, pairs: readonly [string, unknown][] | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...(json ?? {}) };
  // An own property even for `__proto__`: assignment would set the prototype instead, and the
  // key would pass the unknown-key check unseen.
  for (const [key, value] of pairs ?? []) Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  return merged;
}

// A date without a zone would silently mean the laptop's zone; a logical date must be exact.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** Accepts `2026-01-31` (UTC midnight) or a full ISO timestamp with Z or an offset. */
export function parseIsoDate(text: string): Date {
  const trimmed = text.trim();
  const date = new Date(trimmed);
  if (!ISO_DATE.test(trimmed) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(`"${text}" is not an ISO date; use 2026-01-31 or 2026-01-31T02:00:00Z`);
  }
  return date;
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError(`"${text}" is not a TCP port (1-65535)`);
  return port;
}
