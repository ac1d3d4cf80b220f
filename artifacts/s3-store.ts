import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArtifactInfo, ArtifactSettings, ArtifactStore } from './artifact-store.ts';
import { ArtifactNotFoundError, ArtifactPathError, normaliseKey } from './artifact-store.ts';

export interface S3StoreSettings {
  /** `s3://bucket/prefix` (the prefix may be empty). */
  root: string;
  region?: string;
  /** An S3-compatible server, e.g. `http://127.0.0.1:7070`; default AWS. */
  endpoint?: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`; most self-hosted servers need it. */
  forcePathStyle?: boolean;
  /** Default: the SDK's standard chain (env, shared config and SSO, web identity, ECS/EC2 metadata). */
  credentials?: S3ClientConfig['credentials'];
  /** Bytes per multipart part; memory use is about `partSize x queueSize`. Default 8 MiB. */
  partSize?: number;
  queueSize?: number;
}

/** Splits `s3://bucket/prefix/` into its bucket and normalised prefix (no leading or trailing `/`). */
export function parseS3Root(root: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(root);
  if (!match?.[1]) throw new ArtifactPathError(root, root, 'is not an s3://bucket/prefix URI');
  return { bucket: match[1], prefix: normaliseKey(match[2] ?? '', root) };
}

/**
 * The S3-compatible backend (AWS S3, or any server speaking its API). Uploads go through the
 * SDK's multipart `Upload` and downloads stream the response body, so a model of any size
 * moves in constant memory (about `partSize x queueSize` for uploads).
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly root: string;
  readonly isLocal = false;
  readonly bucket: string;
  readonly prefix: string;
  readonly settings: ArtifactSettings;
  private readonly client: S3Client;
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(settings: S3StoreSettings) {
    const { bucket, prefix } = parseS3Root(settings.root);
    this.bucket = bucket;
    this.prefix = prefix;
    this.root = `s3://${bucket}${prefix === '' ? '' : `/${prefix}`}`;
    this.settings = {
      root: this.root,
      s3: {
        ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
        ...(settings.region === undefined ? {} : { region: settings.region }),
        ...(settings.forcePathStyle === undefined ? {} : { forcePathStyle: settings.forcePathStyle }),
      },
    };
    this.partSize = settings.partSize ?? 8 * 1024 * 1024;
    this.queueSize = settings.queueSize ?? 4;
    this.client = new S3Client({
      region: settings.region ?? 'us-east-1',
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
      ...(settings.forcePathStyle === undefined ? {} : { forcePathStyle: settings.forcePathStyle }),
      ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
    });
  }

  uriFor(key: string): string {
    const normalised = normaliseKey(key, this.root);
    return `s3://${this.bucket}/${this.objectKey(normalised)}`;
  }

  isStoreUri(value: string): boolean {
    return value.startsWith('s3://');
  }

  keyOf(uriOrKey: string): string {
    if (!uriOrKey.startsWith('s3://')) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(uriOrKey)) throw new ArtifactPathError(uriOrKey, this.root, 'is not an s3:// URI of this store');
      return normaliseKey(uriOrKey, this.root);
    }
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uriOrKey);
    if (match?.[1] !== this.bucket) throw new ArtifactPathError(uriOrKey, this.root, 'is in another bucket');
    const objectPath = normaliseKey(match[2] ?? '', this.root, uriOrKey);
    if (this.prefix === '') return objectPath;
    if (objectPath === this.prefix) return '';
    if (!objectPath.startsWith(`${this.prefix}/`)) throw new ArtifactPathError(uriOrKey, this.root, 'is outside the bucket prefix');
    return objectPath.slice(this.prefix.length + 1);
  }

  async write(key: string, data: string | Uint8Array): Promise<string> {
    return this.put(key, Readable.from([typeof data === 'string' ? Buffer.from(data) : data]));
  }

  async writeJson(key: string, value: unknown): Promise<string> {
    return this.write(key, `${JSON.stringify(value, null, 2)}\n`);
  }

  async upload(key: string, localFile: string): Promise<string> {
    return this.put(key, createReadStream(localFile));
  }

  async readText(uriOrKey: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openRead(uriOrKey)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async openRead(uriOrKey: string): Promise<Readable> {
    const key = this.objectKey(this.keyOf(uriOrKey));
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(response.Body instanceof Readable)) throw new Error(`S3 returned no readable body for s3://${this.bucket}/${key}`);
      return response.Body;
    } catch (error) {
      if (error instanceof NoSuchKey || error instanceof NotFound) throw new ArtifactNotFoundError(`s3://${this.bucket}/${key}`);
      throw error;
    }
  }

  async download(uriOrKey: string, localFile: string): Promise<void> {
    const body = await this.openRead(uriOrKey);
    await mkdir(path.dirname(localFile), { recursive: true });
    await pipeline(body, createWriteStream(localFile));
  }

  async stat(uriOrKey: string): Promise<ArtifactInfo | null> {
    const key = this.objectKey(this.keyOf(uriOrKey));
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { sizeBytes: head.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return null;
      throw error;
    }
  }

  async list(prefixUriOrKey: string): Promise<string[]> {
    const folder = this.keyOf(prefixUriOrKey);
    const objectPrefix = `${this.objectKey(folder)}/`.replace(/^\/$/, '');
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: objectPrefix })) {
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(objectPrefix.length));
    }
    return keys.filter((key) => key !== '').sort();
  }

  /** Closes the SDK's connection pool. */
  close(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    if (this.prefix === '') return key;
    return key === '' ? this.prefix : `${this.prefix}/${key}`;
  }

  private async put(key: string, body: Readable): Promise<string> {
    const normalised = normaliseKey(key, this.root);
    if (normalised === '') throw new ArtifactPathError(key, this.root, 'names the bucket prefix itself, not an object in it');
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.objectKey(normalised), Body: body },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    await upload.done();
    return this.uriFor(normalised);
  }
}
