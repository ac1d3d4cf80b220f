import { describe, expect, it } from 'vitest';
import { actorIdentity, actorOfIdentity } from './run-actor.ts';

describe('actor identities', () => {
  it('round-trips a Weir actor and channel through the Temporal identity', () => {
    expect(actorIdentity('ada', 'ui')).toBe('ada via weir ui');
    expect(actorOfIdentity(actorIdentity('ada lovelace', 'cli'))).toEqual({ actor: 'ada lovelace', channel: 'cli' });
    expect(actorOfIdentity(actorIdentity('x via weir ui', 'ui'))).toEqual({ actor: 'x via weir ui', channel: 'ui' });
  });

  it('keeps any other identity as it is, and knows none for an empty one', () => {
    expect(actorOfIdentity('4242@worker-1')).toEqual({ actor: '4242@worker-1' });
    expect(actorOfIdentity('ada via weir web')).toEqual({ actor: 'ada via weir web' });
    expect(actorOfIdentity('')).toBeNull();
    expect(actorOfIdentity(undefined)).toBeNull();
  });
});
