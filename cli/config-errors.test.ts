import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from './capture-io.ts';
import { runCli } from './run-cli.ts';

let emptyFolder: string;
beforeAll(async () => {
  emptyFolder = await mkdtemp(path.join(tmpdir(), 'weir-cli-config-'));
});
afterAll(async () => {
  await rm(emptyFolder, { recursive: true, force: true });
});

const reachable = { TEMPORAL_ADDRESS: '127.0.0.1:1', DATABASE_URL: 'postgres://weir:hunter2@127.0.0.1:1/weir' };

describe('a bad setting stops `weir worker` before it connects, with one line naming it', () => {
  it.each([
    [{ WEIR_ARTIFACT_ROOT: 'gs://models/weir' }, 'weir: WEIR_ARTIFACT_ROOT: must be a folder or s3://bucket/prefix, got "gs://models/weir"'],
    [{ WEIR_S3_ENDPOINT: 'minio:9000' }, 'weir: WEIR_S3_ENDPOINT: must be a URL such as http://127.0.0.1:9000 (an S3-compatible server)'],
    [{ AWS_REGION: 'eu west 1' }, 'weir: AWS_REGION: must be a region name such as us-east-1, got "eu west 1"'],
    [{ WEIR_S3_FORCE_PATH_STYLE: 'path' }, 'weir: WEIR_S3_FORCE_PATH_STYLE: must be true or false (1/0), got "path" for WEIR_S3_FORCE_PATH_STYLE'],
    [{ WEIR_DATA_ROOTS: path.delimiter }, `weir: WEIR_DATA_ROOTS: must be folders separated by "${path.delimiter}", such as /data${path.delimiter}/mnt/exports, got "${path.delimiter}"`],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'weir: OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL such as http://collector:4318'],
    [{ WEIR_PAYLOAD_KEY: 'hunter2' }, 'weir: WEIR_PAYLOAD_KEY: is not base64 of 32 bytes; generate one with `openssl rand -base64 32`'],
  ])('%o', async (bad, line) => {
    const io = captureIo({ cwd: emptyFolder, env: { ...reachable, ...bad } });
    const code = await runCli(['worker'], io);
    expect(code).toBe(1);
    expect(io.stderr).toEqual([line]);
    expect(io.stderr.join('\n')).not.toContain('hunter2');
    // The first case pays for importing the worker command's modules.
  }, 60_000);
});
