import { execFile } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { awaitReady, logTail, startLoggedProcess } from './await-ready.ts';
import { freePort } from './ports.ts';
import { projectRoot } from './project-root.ts';

const execFileAsync = promisify(execFile);

/** The Go module of Versity's S3 gateway, installed with `go install` from the module proxy. */
export const VERSITYGW_MODULE = 'github.com/versity/versitygw/cmd/versitygw';
export const VERSITYGW_VERSION = 'v1.8.0';

export class VersityGwNotFoundError extends Error {
  override readonly name = 'VersityGwNotFoundError';
  constructor(message: string, readonly searched: readonly string[], options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Where Weir keeps its own build of the gateway. */
export function bundledVersityGwBinary(): string {
  return path.join(projectRoot(), '.weir', 'versitygw', 'bin', 'versitygw');
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(() => true, () => false);
}

/**
 * Finds the `versitygw` binary: `$WEIR_VERSITYGW_BIN`, Weir's own build under `.weir/versitygw`,
 * then PATH. With `install`, builds it with `go install` (about 10 minutes on 2 cores) when none
 * is found.
 */
export async function resolveVersityGwBinary(options: { install?: boolean; log?: (line: string) => void } = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const configured = process.env.WEIR_VERSITYGW_BIN;
  if (configured) {
    if (await isExecutable(configured)) return configured;
    throw new VersityGwNotFoundError(`WEIR_VERSITYGW_BIN is set to ${configured}, which is not an executable file`, [configured]);
  }
  const searched = [bundledVersityGwBinary(), ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'versitygw'))];
  for (const candidate of searched) if (await isExecutable(candidate)) return candidate;
  if (!options.install) {
    throw new VersityGwNotFoundError(
      `versitygw (the S3 server the tests use) was not found in ${searched[0]} or on PATH; install it with: npx tsx infra/install-versitygw.ts`,
      searched,
    );
  }
  const bin = path.dirname(bundledVersityGwBinary());
  await mkdir(bin, { recursive: true });
  log(`building versitygw ${VERSITYGW_VERSION} with go install into ${bin} (takes minutes)`);
  try {
    await execFileAsync('go', ['install', `${VERSITYGW_MODULE}@${VERSITYGW_VERSION}`], {
      env: { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' | ') ?? (error as Error).message;
    throw new VersityGwNotFoundError(`go install ${VERSITYGW_MODULE}@${VERSITYGW_VERSION} failed: ${detail}`, searched, { cause: error });
  }
  return bundledVersityGwBinary();
}

export interface VersityGwServer {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  stop(): Promise<void>;
}

export interface StartVersityGwOptions {
  binary: string;
  /** The posix backend's folder: each bucket is a folder in it. */
  dataDir: string;
  logFile: string;
  /** Buckets to create once the server answers. */
  buckets?: readonly string[];
  accessKey?: string;
  secretKey?: string;
}

/**
 * Starts Versity's S3 gateway on a free 127.0.0.1 port over a posix folder, waits until it
 * answers S3 requests, and creates the buckets asked for.
 *
 * @example
 * const s3 = await startVersityGw({ binary, dataDir: '/tmp/s3', logFile: '/tmp/s3.log', buckets: ['weir'] });
 */
export async function startVersityGw(options: StartVersityGwOptions): Promise<VersityGwServer> {
  const accessKey = options.accessKey ?? 'weir-test';
  const secretKey = options.secretKey ?? 'weir-test-secret';
  const region = 'us-east-1';
  await mkdir(options.dataDir, { recursive: true });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = startLoggedProcess(
    options.binary,
    ['--access', accessKey, '--secret', secretKey, '--region', region, '--port', `127.0.0.1:${port}`, 'posix', options.dataDir],
    { logFile: options.logFile },
  );
  const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId: accessKey, secretAccessKey: secretKey } });
  try {
    const [first, ...rest] = options.buckets ?? [];
    // Creating a bucket is the readiness probe: it needs the HTTP listener and the backend.
    const probe = async (): Promise<string | null> => {
      if (first === undefined) {
        const response = await fetch(endpoint);
        return response.status > 0 ? null : 'no answer';
      }
      await client.send(new CreateBucketCommand({ Bucket: first })).catch((error: unknown) => {
        if ((error as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw error;
      });
      return null;
    };
    const notReady = await awaitReady(server, probe, { timeoutMs: 30_000, intervalMs: 200 });
    if (notReady !== null) {
      await server.stop();
      const why = 'exited' in notReady ? notReady.exited : `not ready after 30 s (${notReady.timedOut})`;
      throw new Error(`versitygw ${why}; log ${options.logFile}:\n${await logTail(options.logFile, 20)}`);
    }
    for (const bucket of rest) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return { endpoint, accessKey, secretKey, region, stop: () => server.stop() };
}
