import { describe, expect, it } from 'vitest';
import { runUserMetadata, scheduledRunUserMetadata, weirRunUrl } from './web-links.ts';

describe('links back to the web view', () => {
  it('links a run to its run page on the default address', () => {
    expect(runUserMetadata(undefined, 'churn', 'churn-manual-2026/01')).toEqual({
      staticSummary: 'Weir run of DAG churn',
      staticDetails: '[Open this run in Weir](http://127.0.0.1:8080/runs/churn-manual-2026%2F01)',
    });
  });

  it('uses the configured base URL without doubling its slash', () => {
    expect(weirRunUrl('https://weir.example.com/', 'r1')).toBe('https://weir.example.com/runs/r1');
    expect(scheduledRunUserMetadata('https://weir.example.com/ops', 'nightly').staticDetails).toBe('[Open DAG nightly in Weir](https://weir.example.com/ops/dags/nightly)');
  });
});
