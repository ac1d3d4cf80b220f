import { ValueError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { unreadableError } from '../../control/unreadable-payloads.ts';

describe('unreadableError, as the web view uses it', () => {
  it("recognises the default converter's refusal of an encrypted payload, also as a cause", () => {
    const refusal = new ValueError('Unknown encoding: binary/encrypted');
    expect(unreadableError(refusal) !== null).toBe(true);
    expect(unreadableError(new Error('query failed', { cause: refusal })) !== null).toBe(true);
    expect(unreadableError(new ValueError('Unknown encoding: binary/zstd')) !== null).toBe(false);
    expect(unreadableError(new Error('Unknown encoding: binary/encrypted')) !== null).toBe(false);
    expect(unreadableError('binary/encrypted') !== null).toBe(false);
  });
});
