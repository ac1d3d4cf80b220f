import { Client } from '@temporalio/client';

/**
 * A client on the same connection that names the person acting as its identity, so Temporal
 * records who cancelled a run or sent a clear/approve Update in the run's history (the
 * `identity` of the cancel request and of the Update's requester).
 */
export function actorClient(client: Client, actor: string): Client {
  return new Client({
    connection: client.connection,
    namespace: client.options.namespace,
    dataConverter: client.options.dataConverter,
    interceptors: client.options.interceptors,
    identity: `${actor} via weir ui`,
  });
}
