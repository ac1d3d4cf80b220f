import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

export type JsonRow = Record<string, unknown>;

/**
 * DuckDB's own default is 80% of the machine's memory, which lets one 2 GB CSV grow the worker
 * by several GiB; with a cap it spills to the temp folder instead. Peak RSS is measured by the
 * `csv-memory` benchmark.
 */
export const VALIDATION_MEMORY_LIMIT = '1GB';

/**
 * One private in-memory DuckDB per validation. Its spill directory is a fresh temp folder rather
 * than DuckDB's default `.tmp` in the working directory, so a 10M-row file never litters the
 * worker's checkout, and the folder goes when the session closes.
 */
export class DuckDbSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly spillDir: string,
    private readonly detachAbort: () => void,
  ) {}

  static async open(signal?: AbortSignal): Promise<DuckDbSession> {
    const spillDir = await mkdtemp(path.join(os.tmpdir(), 'weir-validate-'));
    const instance = await DuckDBInstance.create(':memory:', { temp_directory: spillDir, memory_limit: VALIDATION_MEMORY_LIMIT });
    const connection = await instance.connect();
    // A cancelled run must not leave a long scan running in the worker.
    const onAbort = (): void => connection.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    return new DuckDbSession(instance, connection, spillDir, () => signal?.removeEventListener('abort', onAbort));
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Rows as JSON-safe objects: BIGINT and DECIMAL come back as strings, NaN as "NaN". */
  async rows(sql: string): Promise<JsonRow[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as JsonRow[];
  }

  async firstRow(sql: string): Promise<JsonRow> {
    const [row] = await this.rows(sql);
    if (!row) throw new Error(`query returned no row: ${sql}`);
    return row;
  }

  async close(): Promise<void> {
    this.detachAbort();
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.spillDir, { recursive: true, force: true });
  }
}

/** Reads a count or measure that SQL cast to DOUBLE; JSON nulls stay null. */
export function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const parsed = typeof value === 'number' ? value : Number(value);
  return Number.isNaN(parsed) ? null : parsed;
}

export function count(value: unknown): number {
  return numberOrNull(value) ?? 0;
}
