import type { LoadedDataConverter, Payload } from '@temporalio/common';

/** A payload in a run's history that this process cannot read (encrypted without the key, or not JSON). */
export class HistoryPayloadError extends Error {
  constructor(readonly what: string, reason: string) {
    super(`cannot read ${what} from the run's history: ${reason}`);
    this.name = 'HistoryPayloadError';
  }
}

/** Reads payloads of raw history events with the client's data converter (and so its codec, when WEIR_PAYLOAD_KEY is set). */
export class HistoryDecoder {
  /** `client.options.loadedDataConverter` reads what that client wrote. */
  constructor(private readonly converter: LoadedDataConverter) {}

  /** The value of one payload; codecs undo their encoding in the reverse of the order they applied it. */
  async value<T>(what: string, payload: Payload | null | undefined): Promise<T | undefined> {
    if (!payload) return undefined;
    try {
      let decoded: Payload[] = [payload];
      for (const codec of [...this.converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
      return this.converter.payloadConverter.fromPayload<T>(decoded[0] as Payload);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
      const encrypted = String(payload.metadata?.encoding ? Buffer.from(payload.metadata.encoding).toString() : '').includes('encrypted');
      throw new HistoryPayloadError(what, encrypted && this.converter.payloadCodecs.length === 0 ? 'its payloads are encrypted and WEIR_PAYLOAD_KEY is not set here' : message);
    }
  }

  async at<T>(what: string, payloads: { payloads?: Payload[] | null } | null | undefined, index: number): Promise<T | undefined> {
    return this.value<T>(what, payloads?.payloads?.[index]);
  }

  /** A search attribute: Temporal indexes them, so no codec ever touches them. */
  searchAttribute(payload: Payload | null | undefined): unknown {
    if (!payload) return undefined;
    try {
      return this.converter.payloadConverter.fromPayload(payload);
    } catch {
      return undefined;
    }
  }
}

/** A history event's time as an ISO string. */
export function eventTimeIso(time: { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined): string | null {
  if (!time) return null;
  const ms = Number(String(time.seconds ?? 0)) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}
