import { readFileSync } from 'node:fs';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { ConfigError } from './errors.ts';
import { parseWeirEnv, type Env } from './schema.ts';

/** How to reach Temporal; read from the environment in production, from the dev stack on a laptop. */
export interface TemporalSettings {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: { serverName?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } } | true;
}

/**
 * Temporal's own settings, as `@temporalio/envconfig` defines them: the TOML file
 * (TEMPORAL_CONFIG_FILE, else the user's temporalio/temporal.toml) and its profile
 * (TEMPORAL_PROFILE), overridden by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS and TEMPORAL_TLS_*. Weir's older names TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY and
 * TEMPORAL_TLS_CA (paths) still work. `fallbackAddress` (the dev stack) fills in a missing address.
 *
 * @example
 * temporalSettingsFromEnv({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: key });
 */
export function temporalSettingsFromEnv(env: Env, fallbackAddress?: string): TemporalSettings {
  const weir = parseWeirEnv(env);
  const profile = loadProfile(env);
  const address = profile.address ?? fallbackAddress;
  if (!address) throw new ConfigError('TEMPORAL_ADDRESS', 'not set; point it at your Temporal frontend (host:7233), set it in a Temporal config file, or run `weir dev`');
  const settings: TemporalSettings = { address, namespace: profile.namespace ?? 'default' };
  if (profile.apiKey) settings.apiKey = profile.apiKey;

  const tls = profile.tls ?? {};
  const legacy = (variable: 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_CA') => weir[variable];
  const crtSource = tls.clientCert ?? fileSource(legacy('TEMPORAL_TLS_CERT'));
  const keySource = tls.clientKey ?? fileSource(legacy('TEMPORAL_TLS_KEY'));
  const caSource = tls.serverCACert ?? fileSource(legacy('TEMPORAL_TLS_CA'));
  const wantsTls = tls.disabled === false || crtSource || keySource || caSource || tls.serverName || settings.apiKey;
  if (tls.disabled === true || !wantsTls) return settings;

  const crt = readSource(crtSource, env.TEMPORAL_TLS_CLIENT_CERT_PATH ? 'TEMPORAL_TLS_CLIENT_CERT_PATH' : 'TEMPORAL_TLS_CERT');
  const key = readSource(keySource, env.TEMPORAL_TLS_CLIENT_KEY_PATH ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_KEY');
  if ((crt && !key) || (key && !crt)) throw new ConfigError('TEMPORAL_TLS_KEY', 'mTLS needs both a client certificate and its key (TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH, or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY)');
  const ca = readSource(caSource, env.TEMPORAL_TLS_SERVER_CA_CERT_PATH ? 'TEMPORAL_TLS_SERVER_CA_CERT_PATH' : 'TEMPORAL_TLS_CA');
  settings.tls = {
    ...(tls.serverName ? { serverName: tls.serverName } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
  };
  return settings;
}

function loadProfile(env: Env): ClientConfigProfile {
  const defined: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== '') defined[name] = value;
  try {
    return loadClientConfigProfile({ overrideEnvVars: defined });
  } catch (error) {
    const variable = env.TEMPORAL_PROFILE ? 'TEMPORAL_PROFILE' : 'TEMPORAL_CONFIG_FILE';
    throw new ConfigError(variable, `the Temporal config file could not be used: ${(error as Error).message}`);
  }
}

function fileSource(file: string | undefined): ConfigDataSource | undefined {
  return file === undefined ? undefined : { path: file };
}

function readSource(source: ConfigDataSource | undefined, variable: string): Buffer | undefined {
  if (source === undefined) return undefined;
  if ('data' in source) return Buffer.from(source.data);
  try {
    return readFileSync(source.path);
  } catch (error) {
    throw new ConfigError(variable, `cannot read ${source.path}: ${(error as Error).message}`);
  }
}
