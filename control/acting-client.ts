import type { Client } from '@temporalio/client';
import { temporalClient } from './temporal-sdk.ts';

/**
 * A client on the same connection (no new socket) whose requests carry `identity`, e.g.
 * `actorIdentity('ada', 'cli')`. Clients are cheap; connections are not.
 */
export function clientActingAs(client: Client, identity: string): Client {
  return new temporalClient.Client({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: client.options.dataConverter,
    interceptors: client.options.interceptors,
    identity,
  });
}
