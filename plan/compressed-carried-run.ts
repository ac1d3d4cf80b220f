import { inflateSync, deflateSync, strFromU8, strToU8 } from 'fflate/browser';
import { decodeBase64, encodeBase64 } from './base64.ts';
import type { CarriedRun } from './carried-run.ts';
import { fattenCarriedRun, slimCarriedRun } from './slim-carried-run.ts';

/**
 * A carried run, made more regular (slim-carried-run.ts), deflated and base64-encoded into one
 * string. The end of a 20,000-task run drops from about 1.4 MB to under a fifth of that, below
 * the SDK's 512 KB payload warning, and each continued history stays far below gRPC's 4 MB.
 *
 * fflate is plain JavaScript with no I/O and no randomness: the same run gives the same bytes,
 * so it runs inside the workflow sandbox and replays alike.
 */
export interface CompressedCarriedRun {
  carriedRunVersion: 2;
  encoding: 'deflate+base64';
  /** UTF-8 bytes of the (slimmed) JSON before compression, for logs and checks. */
  jsonBytes: number;
  data: string;
}

/** What a continued execution receives: a compressed run, or a plain one recorded before compression. */
export type CarriedRunInput = CarriedRun | CompressedCarriedRun;

export class CorruptCarriedRunError extends Error {
  constructor(readonly reason: string) {
    super(`the run state carried from the previous execution cannot be read: ${reason}`);
    this.name = 'CorruptCarriedRunError';
  }
}

export function compressCarriedRun(carried: CarriedRun): CompressedCarriedRun {
  const json = strToU8(JSON.stringify(slimCarriedRun(carried)));
  return { carriedRunVersion: 2, encoding: 'deflate+base64', jsonBytes: json.length, data: encodeBase64(deflateSync(json, { level: 6 })) };
}

export function openCarriedRun(input: CarriedRunInput): CarriedRun {
  if (input.carriedRunVersion === 1) return input;
  if (input.encoding !== 'deflate+base64') throw new CorruptCarriedRunError(`unknown encoding ${JSON.stringify(input.encoding)}`);
  let json: string;
  try {
    json = strFromU8(inflateSync(decodeBase64(input.data)));
  } catch (error) {
    throw new CorruptCarriedRunError((error as Error).message);
  }
  const slim = JSON.parse(json) as CarriedRun;
  if (slim.carriedRunVersion !== 1) throw new CorruptCarriedRunError(`it holds version ${String(slim.carriedRunVersion)}`);
  return fattenCarriedRun(slim);
}
