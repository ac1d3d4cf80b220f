import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveTemporalBinary, TemporalBinaryNotFoundError } from './temporal-binary.ts';

describe('resolveTemporalBinary', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reports a WEIR_TEMPORAL_BIN that does not run instead of looking elsewhere', async () => {
    vi.stubEnv('WEIR_TEMPORAL_BIN', '/nowhere/temporal');
    const attempt = resolveTemporalBinary({ install: false });
    await expect(attempt).rejects.toBeInstanceOf(TemporalBinaryNotFoundError);
    await expect(attempt).rejects.toThrow(/WEIR_TEMPORAL_BIN is set to \/nowhere\/temporal/);
  });
});
