import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOciArchive } from './oci-archive.ts';

const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weir-oci-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

async function blob(layout: string, digest: string): Promise<Buffer> {
  const bytes = await readFile(path.join(layout, 'blobs', 'sha256', digest.replace(/^sha256:/, '')));
  // Content addressing: every blob's name is the sha256 of its bytes.
  expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(digest.startsWith('sha256:') ? digest : `sha256:${digest}`);
  return bytes;
}

describe('writeOciArchive', () => {
  it('writes an OCI image layout whose blobs match their digests, named for containerd, with the rootfs as its layer', async () => {
    const rootfs = path.join(dir, 'rootfs');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await writeFile(path.join(rootfs, 'bin', 'hello'), '#!/bin/sh\necho hello\n', { mode: 0o755 });
    const archive = path.join(dir, 'image.tar');

    await writeOciArchive({ rootfs, reference: 'weir.local/hello:2', entrypoint: ['/bin/hello'], env: ['PATH=/bin'] }, archive);

    const layout = path.join(dir, 'layout');
    await mkdir(layout);
    await run('tar', ['-C', layout, '-xf', archive]);
    expect(JSON.parse(await readFile(path.join(layout, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    expect(index.manifests).toHaveLength(1);
    const entry = index.manifests[0] as Descriptor;
    expect(entry.annotations).toEqual({ 'io.containerd.image.name': 'weir.local/hello:2', 'org.opencontainers.image.ref.name': '2' });

    const manifestBytes = await blob(layout, entry.digest);
    expect(manifestBytes.length).toBe(entry.size);
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
    const config = JSON.parse((await blob(layout, manifest.config.digest)).toString('utf8')) as {
      os: string;
      config: { Entrypoint?: string[]; Env?: string[]; Cmd?: string[] };
      rootfs: { diff_ids: string[] };
    };
    expect(config.os).toBe('linux');
    expect(config.config).toEqual({ Entrypoint: ['/bin/hello'], Env: ['PATH=/bin'] });
    const layer = manifest.layers[0] as Descriptor;
    expect(manifest.layers).toHaveLength(1);
    // An uncompressed layer: its digest is also its diff id.
    expect(config.rootfs.diff_ids).toEqual([layer.digest]);
    const layerBytes = await blob(layout, layer.digest);
    expect(layerBytes.length).toBe(layer.size);

    const { stdout } = await run('tar', ['--numeric-owner', '-tvf', path.join(layout, 'blobs', 'sha256', layer.digest.replace('sha256:', ''))]);
    const hello = stdout.split('\n').find((line) => line.endsWith('./bin/hello'));
    expect(hello).toMatch(/^-rwxr-xr-x 0\/0 /);
  });
});
