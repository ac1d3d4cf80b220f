import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testStack } from '../test/stack.ts';
import { artifactSettingsFromEnv } from '../worker/config/artifact-settings.ts';
import { ArtifactNotFoundError, ArtifactPathError, createArtifactStore, S3ArtifactStore } from './index.ts';

const { s3Endpoint, s3AccessKey, s3SecretKey, s3Bucket } = testStack();
const prefix = `s3-store-test/${randomUUID()}`;
const credentials = { accessKeyId: s3AccessKey, secretAccessKey: s3SecretKey };
const store = new S3ArtifactStore({ root: `s3://${s3Bucket}/${prefix}`, endpoint: s3Endpoint, forcePathStyle: true, credentials });
afterAll(() => store.close());

describe('S3ArtifactStore against versitygw', () => {
  it('writes, reads, stats and lists objects under its prefix', async () => {
    const uri = await store.writeJson('runs/r1/validate/report.json', { ok: true });
    expect(uri).toBe(`s3://${s3Bucket}/${prefix}/runs/r1/validate/report.json`);
    expect(JSON.parse(await store.readText(uri))).toEqual({ ok: true });
    expect(await store.readText('runs/r1/validate/report.json')).toContain('"ok": true');
    await store.write('runs/r1/train/output/model.bin', new Uint8Array([1, 2, 3]));
    expect(await store.stat('runs/r1/train/output/model.bin')).toEqual({ sizeBytes: 3 });
    expect(await store.stat('runs/r1/train/output/none.bin')).toBeNull();
    expect(await store.list('runs/r1')).toEqual(['train/output/model.bin', 'validate/report.json']);
    await expect(store.readText('runs/r1/missing.json')).rejects.toThrow(ArtifactNotFoundError);
  });

  it('streams a multipart upload and a download byte for byte', async () => {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'weir-s3-'));
    const source = path.join(scratch, 'model.bin');
    // Three parts of 5 MiB plus a tail, with distinct bytes so a reordered part shows.
    const data = Buffer.alloc(16 * 1024 * 1024 + 123);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i);
    await writeFile(source, data);
    const small = new S3ArtifactStore({ root: store.root, endpoint: s3Endpoint, forcePathStyle: true, credentials, partSize: 5 * 1024 * 1024, queueSize: 2 });
    try {
      const uri = await small.upload('models/churn/model.bin', source);
      expect(await small.stat(uri)).toEqual({ sizeBytes: data.length });
      const copy = path.join(scratch, 'copy.bin');
      await small.download(uri, copy);
      expect((await readFile(copy)).equals(data)).toBe(true);
    } finally {
      small.close();
    }
  });

  it('refuses URIs outside its bucket prefix, other buckets and other schemes', () => {
    for (const attempt of [
      `s3://${s3Bucket}/other/x`,
      `s3://${s3Bucket}/${prefix}/../x`,
      `s3://${s3Bucket}/${prefix}-sibling/x`,
      `s3://another-bucket/${prefix}/x`,
      '../x',
      '/etc/passwd',
      'file:///etc/passwd',
    ]) {
      expect(() => store.keyOf(attempt), attempt).toThrow(ArtifactPathError);
    }
    expect(() => store.keyOf(`s3://${s3Bucket}/other/x`)).toThrow(`is outside the bucket prefix (artifact root: s3://${s3Bucket}/${prefix})`);
  });

  it('is what createArtifactStore builds from WEIR_ARTIFACT_ROOT=s3://… and the endpoint settings', async () => {
    const env = {
      WEIR_ARTIFACT_ROOT: `s3://${s3Bucket}/${prefix}/from-env`,
      AWS_ENDPOINT_URL: s3Endpoint,
      WEIR_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
    };
    const settings = artifactSettingsFromEnv(env);
    expect(settings).toEqual({ root: env.WEIR_ARTIFACT_ROOT, s3: { endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true } });
    // Credentials come from the SDK's standard chain: here the AWS_* variables.
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = s3AccessKey;
    process.env.AWS_SECRET_ACCESS_KEY = s3SecretKey;
    try {
      const fromEnv = createArtifactStore(settings);
      expect(fromEnv).toBeInstanceOf(S3ArtifactStore);
      // What a training pod is handed to reach the same store.
      expect(fromEnv.settings).toEqual(settings);
      const uri = await fromEnv.write('hello.txt', 'hi');
      expect(await store.readText(uri)).toBe('hi');
      (fromEnv as S3ArtifactStore).close();
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});
