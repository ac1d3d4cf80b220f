import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDataFile } from './data-roots.ts';

export type DataFormat = 'csv' | 'parquet';

/** A file that can be handed to DuckDB, with the first bytes kept for diagnostics. */
export interface InputFile {
  path: string;
  format: DataFormat;
  sizeBytes: number;
  /** Up to 64 KiB from the start: enough for the header line and the Parquet magic. */
  head: Buffer;
}

/** Why a file was refused before DuckDB saw it. */
export interface InputProblem {
  path: string;
  message: string;
}

const HEAD_BYTES = 64 * 1024;
const PARQUET_MAGIC = 'PAR1';

/** Turns a local path or `file://` URI into an absolute path; other schemes are refused. */
export function localPathOf(file: string): string | InputProblem {
  if (file.startsWith('file:')) {
    try {
      return fileURLToPath(file);
    } catch (error) {
      return { path: file, message: `"${file}" is not a valid file URI: ${(error as Error).message}` };
    }
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(file)) {
    return { path: file, message: `"${file}" is not a local file; only local paths and file:// URIs are supported` };
  }
  return path.resolve(file);
}

/**
 * Checks the file exists, is a regular file with content, and settles its format. The checks
 * happen here rather than in DuckDB because DuckDB reads a 0-byte file as one empty column and
 * would block forever on a named pipe. With `dataRoots`, a file whose real path lies outside
 * them (or that is not a regular file) throws `DataPathRefusedError` before it is opened.
 */
export async function openInputFile(file: string, format?: DataFormat, dataRoots?: readonly string[]): Promise<InputFile | InputProblem> {
  const local = localPathOf(file);
  if (typeof local !== 'string') return local;
  let resolved = local;
  if (dataRoots !== undefined) {
    try {
      resolved = await checkDataFile(local, dataRoots);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path: local, message: `file not found: ${local}` };
      throw error;
    }
  }
  let info;
  try {
    info = await stat(resolved);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `file not found: ${resolved}` : `cannot read ${resolved}: ${(error as Error).message}`;
    return { path: resolved, message };
  }
  if (!info.isFile()) return { path: resolved, message: `${resolved} is not a regular file` };
  if (info.size === 0) return { path: resolved, message: `${resolved} is empty (0 bytes)` };
  let head: Buffer;
  try {
    head = await readHead(resolved);
  } catch (error) {
    return { path: resolved, message: `cannot read ${resolved}: ${(error as Error).message}` };
  }
  return { path: resolved, format: format ?? guessFormat(resolved, head), sizeBytes: info.size, head };
}

export function isInputProblem(value: InputFile | InputProblem): value is InputProblem {
  return 'message' in value;
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

// The extension wins; the magic bytes settle files named without one (e.g. `part-0000`).
function guessFormat(file: string, head: Buffer): DataFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (/\.(csv|tsv|txt)(\.gz|\.zst)?$/.test(lower)) return 'csv';
  return head.subarray(0, 4).toString('latin1') === PARQUET_MAGIC ? 'parquet' : 'csv';
}

/** The first line of a plain-text file, or undefined for compressed or binary heads. */
export function headerLine(input: InputFile): string | undefined {
  if (/\.(gz|zst)$/i.test(input.path)) return undefined;
  const text = input.head.toString('utf8');
  const end = text.search(/\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}
