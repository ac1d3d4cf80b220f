import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { temporalClient } from '../control/temporal-sdk.ts';
import { dataConverterFromEnv } from '../codec/index.ts';
import type { TemporalSettings } from './config.ts';
import { TemporalUnreachableError } from './temporal-unreachable.ts';

export { TemporalUnreachableError };

function connectionOptions(settings: TemporalSettings) {
  return {
    address: settings.address,
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  };
}

/** A Client; it encrypts payloads when WEIR_PAYLOAD_KEY is set (see codec/), like the workers must. */
export async function connectClient(settings: TemporalSettings, env: Record<string, string | undefined> = process.env): Promise<Client> {
  // A malformed key is a configuration error, not an unreachable server: read it first.
  const dataConverter = dataConverterFromEnv(env);
  try {
    const { Client, Connection } = temporalClient;
    const connection = await Connection.connect({ ...connectionOptions(settings), connectTimeout: '5s' });
    return new Client({ connection, namespace: settings.namespace, ...(dataConverter ? { dataConverter } : {}) });
  } catch (error) {
    throw new TemporalUnreachableError(settings.address, error);
  }
}

export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  // Imported here: clients (every CLI command) never load the worker package.
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect(connectionOptions(settings));
  } catch (error) {
    throw new TemporalUnreachableError(settings.address, error);
  }
}
