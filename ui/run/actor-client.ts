import type { Client } from '@temporalio/client';
import { clientActingAs } from '../../control/acting-client.ts';
import { actorIdentity } from '../../control/run-actor.ts';

/**
 * A client on the same connection that names the person acting as its identity
 * (`<actor> via weir ui`), so Temporal records who started or cancelled a run or sent a
 * clear/approve Update in the run's history.
 */
export function actorClient(client: Client, actor: string): Client {
  return clientActingAs(client, actorIdentity(actor, 'ui'));
}
