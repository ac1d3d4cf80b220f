import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../test/stack.ts';

const execFileAsync = promisify(execFile);
const TWO_GB = 2 * 1024 ** 3;
const { s3Endpoint, s3AccessKey, s3SecretKey, s3Bucket } = testStack();
let dir: string;
let source: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-big-'));
  source = path.join(dir, 'model.bin');
  // Sparse: 2 GiB long, a few marked blocks so a reordered or lost part changes the hash.
  const handle = await open(source, 'w');
  try {
    await handle.truncate(TWO_GB);
    for (let offset = 0; offset < TWO_GB; offset += 256 * 1024 ** 2) await handle.write(Buffer.from(`block at ${offset}`), 0, undefined, offset);
  } finally {
    await handle.close();
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface ChildReport { uri: string; sizeBytes: number; peakRssMiB: number; source: string; copy: string }

async function moveThrough(root: string, copy: string): Promise<ChildReport> {
  const child = path.join(import.meta.dirname, 'large-object-child.ts');
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', child, root, source, copy], {
    env: { ...process.env, AWS_ENDPOINT_URL: s3Endpoint, WEIR_S3_FORCE_PATH_STYLE: 'true', AWS_ACCESS_KEY_ID: s3AccessKey, AWS_SECRET_ACCESS_KEY: s3SecretKey, AWS_REGION: 'us-east-1' },
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildReport;
}

// A 2 GiB model in constant memory: peak RSS stays a small fraction of the object's size.
describe('a 2 GiB model moves through the artifact store in constant memory', () => {
  it('S3: multipart upload and streamed download', { timeout: 600_000 }, async () => {
    const report = await moveThrough(`s3://${s3Bucket}/large-object-test/${randomUUID()}`, path.join(dir, 's3-copy.bin'));
    expect(report.sizeBytes).toBe(TWO_GB);
    expect(report.copy).toBe(report.source);
    expect(report.peakRssMiB).toBeLessThan(400);
    await rm(path.join(dir, 's3-copy.bin'));
  });

  it('local folder: streamed copy in and out', { timeout: 600_000 }, async () => {
    const report = await moveThrough(path.join(dir, 'artifacts'), path.join(dir, 'file-copy.bin'));
    expect((await stat(path.join(dir, 'file-copy.bin'))).size).toBe(TWO_GB);
    expect(report.copy).toBe(report.source);
    expect(report.peakRssMiB).toBeLessThan(400);
  });
});
