import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseWeirEnv, temporalSettingsFromEnv, workerSettingsFromEnv } from './index.ts';

const base = { TEMPORAL_ADDRESS: 'h:7233', DATABASE_URL: 'postgres://u:p@db:5432/weir' };

describe('parseWeirEnv', () => {
  it('applies defaults when nothing is set', () => {
    const env = parseWeirEnv({});
    expect(env).toMatchObject({ WEIR_TASK_QUEUE: 'weir', WEIR_MAX_CONCURRENT_ACTIVITIES: 100, WEIR_MAX_CONCURRENT_WORKFLOW_TASKS: 40, WEIR_SHUTDOWN_GRACE: 30_000 });
  });

  it.each([
    [{ WEIR_MAX_CONCURRENT_ACTIVITIES: 'lots' }, 'WEIR_MAX_CONCURRENT_ACTIVITIES: must be a whole number >= 1, got "lots"'],
    [{ WEIR_SHUTDOWN_GRACE: '30 parsecs' }, 'WEIR_SHUTDOWN_GRACE: must be a duration such as 30s, 2m or 1h, got "30 parsecs"'],
    [{ TEMPORAL_TLS: 'maybe' }, 'TEMPORAL_TLS: must be true or false (1/0), got "maybe" for TEMPORAL_TLS'],
    [{ DATABASE_URL: 'mysql://root:hunter2@db/weir' }, 'DATABASE_URL: must be a URL such as postgres://user:pass@host:5432/weir'],
    [{ SMTP_URL: 'mail.example.com' }, 'SMTP_URL: must be a URL such as smtp://user:password@host:587 or smtps://...'],
    [{ WEIR_UI_URL: 'localhost:8233' }, 'WEIR_UI_URL: must be a URL such as http://localhost:8233'],
    [{ WEIR_TASK_QUEUE: '   ' }, 'WEIR_TASK_QUEUE: must be a task queue name'],
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
