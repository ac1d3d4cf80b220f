import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, temporalSettingsFromEnv, workerSettingsFromEnv } from './config.ts';

describe('temporalSettingsFromEnv', () => {
  it('needs an address, with a message that says where to get one', () => {
    expect(() => temporalSettingsFromEnv({})).toThrow(ConfigError);
    expect(() => temporalSettingsFromEnv({})).toThrow(/TEMPORAL_ADDRESS: not set/);
  });

  it('plain connection by default; an API key turns TLS on', () => {
    expect(temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'h:7233' })).toEqual({ address: 'h:7233', namespace: 'default' });
    expect(temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_NAMESPACE: 'prod.acct', TEMPORAL_API_KEY: 'k' })).toEqual({
      address: 'h:7233',
      namespace: 'prod.acct',
      apiKey: 'k',
      tls: {},
    });
  });

  it('reads mTLS certificate, key and CA from files, and needs both halves of the pair', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-tls-'));
    for (const name of ['client.crt', 'client.key', 'ca.pem']) await writeFile(path.join(dir, name), `contents of ${name}`);
    const settings = temporalSettingsFromEnv({
      TEMPORAL_ADDRESS: 'h:7233',
      TEMPORAL_TLS_CERT: path.join(dir, 'client.crt'),
      TEMPORAL_TLS_KEY: path.join(dir, 'client.key'),
      TEMPORAL_TLS_CA: path.join(dir, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(settings.tls).toEqual({
      serverName: 'temporal.internal',
      serverRootCACertificate: Buffer.from('contents of ca.pem'),
      clientCertPair: { crt: Buffer.from('contents of client.crt'), key: Buffer.from('contents of client.key') },
    });
    expect(() => temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_CERT: path.join(dir, 'client.crt') })).toThrow(/TEMPORAL_TLS_KEY: mTLS needs both a client certificate and its key/);
    expect(() => temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'h:7233', TEMPORAL_TLS_CA: path.join(dir, 'missing.pem') })).toThrow(/TEMPORAL_TLS_CA: cannot read/);
  });
});

describe('workerSettingsFromEnv', () => {
  it('needs DATABASE_URL and validates the concurrency limits', () => {
    expect(() => workerSettingsFromEnv({ TEMPORAL_ADDRESS: 'h:7233' })).toThrow(/DATABASE_URL: not set/);
    const env = { TEMPORAL_ADDRESS: 'h:7233', DATABASE_URL: 'postgres://x/weir' };
    expect(workerSettingsFromEnv(env)).toMatchObject({ taskQueue: 'weir', maxConcurrentActivities: 100, maxConcurrentWorkflowTasks: 40 });
    expect(() => workerSettingsFromEnv({ ...env, WEIR_MAX_CONCURRENT_ACTIVITIES: '0' })).toThrow(/WEIR_MAX_CONCURRENT_ACTIVITIES: must be a whole number >= 1/);
  });
});
