import { describe, expect, it } from 'vitest';
import { LOGICAL_DATE_MEMO, logicalDateFromListing } from './runs.ts';
import { HASH_MEMO } from './schedules.ts';

describe('logicalDateFromListing', () => {
  const scheduledAt = new Date('2026-11-02T06:00:00Z');

  it('takes the date a Weir starter wrote in the memo', () => {
    expect(logicalDateFromListing({ [LOGICAL_DATE_MEMO]: '2026-11-01T00:00:00.000Z' }, { TemporalScheduledStartTime: [scheduledAt] })).toBe('2026-11-01T00:00:00.000Z');
  });

  it('takes the scheduled time for a run of a Weir schedule', () => {
    expect(logicalDateFromListing({ [HASH_MEMO]: 'abc' }, { TemporalScheduledStartTime: [scheduledAt] })).toBe('2026-11-02T06:00:00.000Z');
  });

  it('leaves it to the run records for runs that carry neither (Temporal UI, other schedules, older versions)', () => {
    expect(logicalDateFromListing(undefined, {})).toBeNull();
    expect(logicalDateFromListing({}, { TemporalScheduledStartTime: [scheduledAt] })).toBeNull();
    expect(logicalDateFromListing({ [HASH_MEMO]: 'abc' }, {})).toBeNull();
    expect(logicalDateFromListing({ [LOGICAL_DATE_MEMO]: 42 }, {})).toBeNull();
  });
});
