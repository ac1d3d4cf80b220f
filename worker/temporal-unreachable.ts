/** No Temporal frontend answered at the configured address. Its own module: the CLI's lean start path raises it without loading the client. */
export class TemporalUnreachableError extends Error {
  constructor(readonly address: string, cause: unknown) {
    super(`cannot reach Temporal at ${address}: ${(cause as Error)?.message ?? cause}. Is the server running (weir dev), and is TEMPORAL_ADDRESS right?`);
    this.name = 'TemporalUnreachableError';
  }
}
