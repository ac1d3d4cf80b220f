import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactSettingsOf, ConfigError, parseWeirEnv, temporalSettingsFromEnv, workerSettingsFromEnv } from './index.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const base = { TEMPORAL_ADDRESS: 'h:7233', DATABASE_URL: 'postgres://u:p@db:5432/weir' };

describe('parseWeirEnv', () => {
  it('applies defaults when nothing is set', () => {
    const env = parseWeirEnv({});
    expect(env).toMatchObject({ WEIR_TASK_QUEUE: 'weir', WEIR_MAX_CONCURRENT_ACTIVITIES: 100, WEIR_MAX_CONCURRENT_WORKFLOW_TASKS: 40, WEIR_SHUTDOWN_GRACE: 30_000, WEIR_DAG_LOAD_TIMEOUT_MS: 30_000 });
    expect(parseWeirEnv({ WEIR_DAG_LOAD_TIMEOUT_MS: '2500' }).WEIR_DAG_LOAD_TIMEOUT_MS).toBe(2500);
  });

  it.each([
    [{ WEIR_MAX_CONCURRENT_ACTIVITIES: 'lots' }, 'WEIR_MAX_CONCURRENT_ACTIVITIES: must be a whole number >= 1, got "lots"'],
    [{ WEIR_SHUTDOWN_GRACE: '30 parsecs' }, 'WEIR_SHUTDOWN_GRACE: must be a duration such as 30s, 2m or 1h, got "30 parsecs"'],
    [{ WEIR_DAG_LOAD_TIMEOUT_MS: '30s' }, 'WEIR_DAG_LOAD_TIMEOUT_MS: must be a whole number >= 1, got "30s"'],
    [{ TEMPORAL_TLS: 'maybe' }, 'TEMPORAL_TLS: must be true or false (1/0), got "maybe" for TEMPORAL_TLS'],
    [{ DATABASE_URL: 'mysql://root:hunter2@db/weir' }, 'DATABASE_URL: must be a URL such as postgres://user:pass@host:5432/weir'],
    [{ SMTP_URL: 'mail.example.com' }, 'SMTP_URL: must be a URL such as smtp://user:password@host:587 or smtps://...'],
    [{ WEIR_UI_URL: 'localhost:8233' }, 'WEIR_UI_URL: must be a URL such as http://localhost:8233'],
    [{ WEIR_TASK_QUEUE: '   ' }, 'WEIR_TASK_QUEUE: must be a task queue name'],
    [{ WEIR_ARTIFACT_ROOT: 'gs://models/weir' }, 'WEIR_ARTIFACT_ROOT: must be a folder or s3://bucket/prefix, got "gs://models/weir"'],
    [{ WEIR_ARTIFACT_ROOT: 's3:///no-bucket' }, 'WEIR_ARTIFACT_ROOT: must be a folder or s3://bucket/prefix, got "s3:///no-bucket"'],
    [{ WEIR_S3_ENDPOINT: '127.0.0.1:9000' }, 'WEIR_S3_ENDPOINT: must be a URL such as http://127.0.0.1:9000 (an S3-compatible server)'],
    [{ WEIR_S3_ENDPOINT: 'http://minio:hunter2@127.0.0.1:9000 x' }, 'WEIR_S3_ENDPOINT: must be a URL such as http://127.0.0.1:9000 (an S3-compatible server)'],
    [{ AWS_ENDPOINT_URL_S3: 'ftp://s3.example.com' }, 'AWS_ENDPOINT_URL_S3: must be a URL such as https://s3.eu-west-1.amazonaws.com'],
    [{ AWS_ENDPOINT_URL: 's3.example.com' }, 'AWS_ENDPOINT_URL: must be a URL such as https://s3.eu-west-1.amazonaws.com'],
    [{ WEIR_S3_REGION: 'eu west 1' }, 'WEIR_S3_REGION: must be a region name such as us-east-1, got "eu west 1"'],
    [{ AWS_REGION: 'us-east-1/' }, 'AWS_REGION: must be a region name such as us-east-1, got "us-east-1/"'],
    [{ AWS_DEFAULT_REGION: 'eu:west' }, 'AWS_DEFAULT_REGION: must be a region name such as us-east-1, got "eu:west"'],
    [{ WEIR_S3_FORCE_PATH_STYLE: 'path' }, 'WEIR_S3_FORCE_PATH_STYLE: must be true or false (1/0), got "path" for WEIR_S3_FORCE_PATH_STYLE'],
    [{ WEIR_DATA_ROOTS: ` ${path.delimiter} ` }, `WEIR_DATA_ROOTS: must be folders separated by "${path.delimiter}", such as /data${path.delimiter}/mnt/exports, got " ${path.delimiter} "`],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL such as http://collector:4318'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: must be a URL such as http://collector:4318/v1/traces'],
    [{ OTEL_SERVICE_NAME: ' ' }, 'OTEL_SERVICE_NAME: must be a service name'],
    [{ WEIR_PAYLOAD_KEY: 'hunter2hunter2' }, 'WEIR_PAYLOAD_KEY: is not base64 of 32 bytes; generate one with `openssl rand -base64 32`'],
    [{ WEIR_PAYLOAD_KEY: KEY, WEIR_PAYLOAD_KEY_ID: 'june 2026' }, 'WEIR_PAYLOAD_KEY_ID: "june 2026" is not a key id; use 1-64 letters, digits, ".", "_" or "-"'],
    [{ WEIR_PAYLOAD_KEY: KEY, WEIR_PAYLOAD_PREVIOUS_KEYS: 'hunter2hunter2' }, 'WEIR_PAYLOAD_PREVIOUS_KEYS: entry 1 is not id=base64key (entries are comma-separated)'],
  ])('a bad value is one line naming the variable and what it accepts: %o', (env, message) => {
    let thrown: unknown;
    try {
      parseWeirEnv(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toBe(message);
    expect((thrown as Error).message).not.toContain('\n');
    // URLs carry passwords: the message never repeats the value.
    expect((thrown as Error).message).not.toContain('hunter2');
  });
});

describe('the parsed values handed to services', () => {
  it('reads the data roots as a list and the OTel service name with its default', () => {
    expect(parseWeirEnv({ WEIR_DATA_ROOTS: `/data${path.delimiter} rel ${path.delimiter}` }).WEIR_DATA_ROOTS).toEqual(['/data', 'rel']);
    expect(parseWeirEnv({}).WEIR_DATA_ROOTS).toBeUndefined();
    expect(parseWeirEnv({}).OTEL_SERVICE_NAME).toBe('weir-worker');
    expect(parseWeirEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: ' http://collector:4318 ' }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
    expect(parseWeirEnv({ WEIR_PAYLOAD_KEY: KEY, WEIR_PAYLOAD_KEY_ID: '2026-06' })).toMatchObject({ WEIR_PAYLOAD_KEY: KEY, WEIR_PAYLOAD_KEY_ID: '2026-06' });
  });

  it('builds the artifact settings: a local folder resolved from the working folder, S3 with WEIR_S3_* before AWS_*', () => {
    expect(artifactSettingsOf(parseWeirEnv({}), '/proj')).toEqual({ root: '/proj/.weir/artifacts' });
    expect(artifactSettingsOf(parseWeirEnv({ WEIR_ARTIFACT_ROOT: 'store', AWS_REGION: 'eu-west-1' }), '/proj')).toEqual({ root: '/proj/store' });
    expect(artifactSettingsOf(parseWeirEnv({ WEIR_ARTIFACT_ROOT: 's3://models/weir', AWS_ENDPOINT_URL: 'http://aws:1', AWS_DEFAULT_REGION: 'eu-west-1' }))).toEqual({
      root: 's3://models/weir',
      s3: { endpoint: 'http://aws:1', region: 'eu-west-1' },
    });
    const env = {
      WEIR_ARTIFACT_ROOT: 's3://models',
      WEIR_S3_ENDPOINT: 'http://weir:9000',
      AWS_ENDPOINT_URL_S3: 'http://aws-s3:1',
      AWS_ENDPOINT_URL: 'http://aws:1',
      WEIR_S3_REGION: 'garage',
      AWS_REGION: 'eu-west-1',
      WEIR_S3_FORCE_PATH_STYLE: 'yes',
    };
    expect(artifactSettingsOf(parseWeirEnv(env))).toEqual({ root: 's3://models', s3: { endpoint: 'http://weir:9000', region: 'garage', forcePathStyle: true } });
    expect(artifactSettingsOf(parseWeirEnv({ ...env, WEIR_S3_ENDPOINT: undefined, WEIR_S3_FORCE_PATH_STYLE: '0' })).s3).toEqual({ endpoint: 'http://aws-s3:1', region: 'garage', forcePathStyle: false });
  });
});

describe('workerSettingsFromEnv', () => {
  it('reads the grace time, the UI URL and the pools through the one schema', () => {
    const settings = workerSettingsFromEnv({ ...base, WEIR_SHUTDOWN_GRACE: '2m', WEIR_UI_URL: 'https://temporal.example.com', WEIR_POOLS: 'gpu=2' });
    expect(settings).toMatchObject({ shutdownGraceMs: 120_000, uiUrl: 'https://temporal.example.com', pools: [{ name: 'gpu', maxConcurrentActivities: 2 }] });
    expect(() => workerSettingsFromEnv({ ...base, WEIR_POOLS: 'gpu=none' })).toThrow(/^WEIR_POOLS: /);
  });
});

describe("Temporal's own configuration (@temporalio/envconfig)", () => {
  it('reads a profile from the TOML file named by TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-envconfig-'));
    const file = path.join(dir, 'temporal.toml');
    await writeFile(path.join(dir, 'ca.pem'), 'ca bytes');
    await writeFile(
      file,
      [
        '[profile.default]',
        'address = "localhost:7233"',
        '',
        '[profile.cloud]',
        'address = "ns.acct.tmprl.cloud:7233"',
        'namespace = "ns.acct"',
        'api_key = "secret-key"',
        '[profile.cloud.tls]',
        `server_ca_cert_path = "${path.join(dir, 'ca.pem')}"`,
        'server_name = "ns.acct.tmprl.cloud"',
      ].join('\n'),
    );
    expect(temporalSettingsFromEnv({ TEMPORAL_CONFIG_FILE: file })).toEqual({ address: 'localhost:7233', namespace: 'default' });
    expect(temporalSettingsFromEnv({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' })).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      namespace: 'ns.acct',
      apiKey: 'secret-key',
      tls: { serverName: 'ns.acct.tmprl.cloud', serverRootCACertificate: Buffer.from('ca bytes') },
    });
    // Environment variables override the file, as in every Temporal SDK.
    expect(temporalSettingsFromEnv({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud', TEMPORAL_NAMESPACE: 'other.acct' }).namespace).toBe('other.acct');
    expect(() => temporalSettingsFromEnv({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' })).toThrow(/^TEMPORAL_PROFILE: the Temporal config file could not be used: Profile 'staging' not found/);
  });

  it("accepts Temporal's TLS variable names beside Weir's older ones", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-envconfig-'));
    for (const name of ['client.crt', 'client.key']) await writeFile(path.join(dir, name), name);
    const settings = temporalSettingsFromEnv({
      TEMPORAL_ADDRESS: 'h:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.crt'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'inline ca',
    });
    expect(settings.tls).toEqual({
      serverRootCACertificate: Buffer.from('inline ca'),
      clientCertPair: { crt: Buffer.from('client.crt'), key: Buffer.from('client.key') },
    });
    expect(temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })).toEqual({ address: 'h:7233', namespace: 'default', apiKey: 'k' });
    expect(() => temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'missing.crt'), TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key') })).toThrow(
      /^TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read/,
    );
  });
});
