/*
 * Pure: no Temporal SDK at load, so a lean start path can name the actor without loading the
 * client package. `clientActingAs` (acting-client.ts) makes a client with such an identity.
 */

/** Where a person acted from; it becomes the tail of the Temporal identity of their requests. */
export type ActorChannel = 'ui' | 'cli';

/** Memo of every run Weir starts: the name of the person (or schedule) who started it. */
export const TRIGGERED_BY_MEMO = 'weirTriggeredBy';

const IDENTITY_TAIL = / via weir (ui|cli)$/;

/**
 * The Temporal identity of a person's requests (start, Update, cancel, terminate), so the run's
 * history records who acted and from where.
 *
 * @example actorIdentity('ada', 'ui') // 'ada via weir ui'
 */
export function actorIdentity(actor: string, channel: ActorChannel): string {
  return `${actor} via weir ${channel}`;
}

/** Who an identity names: a Weir actor and channel, or (any other client) the identity as it is. */
export function actorOfIdentity(identity: string | null | undefined): { actor: string; channel?: ActorChannel } | null {
  if (!identity) return null;
  const match = IDENTITY_TAIL.exec(identity);
  if (!match) return { actor: identity };
  return { actor: identity.slice(0, match.index), channel: match[1] as ActorChannel };
}
