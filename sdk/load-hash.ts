import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

// Apart from the compiler, so a load whose results all come from the cache never imports esbuild.

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function relativeName(file: string, baseDir: string): string {
  return path.relative(baseDir, file) || path.basename(file);
}

/** What a load needs to know of one source file, taken from one read of it. */
export interface SourceFacts {
  /** sha256 of its bytes: the key its cached result depends on. */
  hash: string;
  /** Whether its text mentions import.meta, so that it must keep its own URL once compiled (see keepOwnUrl). */
  usesImportMeta: boolean;
}

export type SourceReader = (file: string) => Promise<SourceFacts | null>;

/**
 * Reads each source at most once per load; null for a file that cannot be read. A compile reads
 * the DAG files here before esbuild does, so a file edited in between has a hash older than the
 * module compiled from it, and is compiled again by the next load rather than trusted.
 */
export function memoizedSources(): SourceReader {
  const seen = new Map<string, Promise<SourceFacts | null>>();
  return (file) => {
    let facts = seen.get(file);
    if (!facts) {
      facts = Promise.resolve(readSourceFacts(file));
      seen.set(file, facts);
    }
    return facts;
  };
}

/**
 * Read synchronously: a DAG file is a few kilobytes, and one blocking read costs a fraction of the
 * four thread-pool round trips of an asynchronous one, which for a folder of 1,000 files was the
 * largest part of the loading process's own CPU.
 */
function readSourceFacts(file: string): SourceFacts | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  return { hash: sha256(bytes), usesImportMeta: bytes.includes('import.meta') };
}

/** The content hash of each source, read once per load (a warm load checks its cached results with it). */
export function memoizedHash(sources: SourceReader = memoizedSources()): (file: string) => Promise<string | null> {
  return async (file) => (await sources(file))?.hash ?? null;
}
