import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalSettings } from './config.ts';

function connectionOptions(settings: TemporalSettings) {
  return {
    address: settings.address,
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  };
}

export class TemporalUnreachableError extends Error {
  constructor(readonly address: string, cause: unknown) {
    super(`cannot reach Temporal at ${address}: ${(cause as Error)?.message ?? cause}. Is the server running (weir dev), and is TEMPORAL_ADDRESS right?`);
    this.name = 'TemporalUnreachableError';
  }
}

export async function connectClient(settings: TemporalSettings): Promise<Client> {
  try {
    const connection = await Connection.connect({ ...connectionOptions(settings), connectTimeout: '5s' });
    return new Client({ connection, namespace: settings.namespace });
  } catch (error) {
    throw new TemporalUnreachableError(settings.address, error);
  }
}

export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(connectionOptions(settings));
  } catch (error) {
    throw new TemporalUnreachableError(settings.address, error);
  }
}
