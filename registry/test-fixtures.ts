import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { registerModelVersion, type RegisteredVersion } from './register.ts';
import type { ModelLineage } from './schema.ts';

/** A model name no other test (or earlier run against the same database) uses. */
export function uniqueModelName(prefix = 'model'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function testLineage(runId = `run-${randomUUID().slice(0, 8)}`): ModelLineage {
  return { dagId: 'registry_test', runId, dataPath: 'file:///data/train.csv', dataSha256: 'a'.repeat(64), gitCommit: null };
}

/** Writes a small model file into a fresh temp folder and returns its file:// URI. */
export async function writeModelFile(content = `weights ${randomUUID()}`): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'weir-registry-'));
  const file = path.join(dir, 'model.bin');
  await writeFile(file, content);
  return pathToFileURL(file).href;
}

/** Registers a version with fresh content and a fresh key. */
export async function registerTestVersion(db: Kysely<Database>, name: string, metrics: Record<string, number> = { auc: 0.8 }): Promise<RegisteredVersion> {
  const lineage = testLineage();
  return registerModelVersion(db, { name, artifactUri: await writeModelFile(), metrics, params: { depth: 3 }, lineage, idempotencyKey: `${lineage.runId}:register` });
}
