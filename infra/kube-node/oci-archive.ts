import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OciImageSpec {
  /** A folder holding the image's whole filesystem; it becomes the one layer. */
  rootfs: string;
  /** The full reference the image is imported under, e.g. `weir.local/busybox:1`. */
  reference: string;
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes `archive` as an OCI image layout tarball (one uncompressed layer) that
 * `ctr images import` and `podman load` read: these machines build their images locally and
 * pull from no registry.
 *
 * @example
 * await writeOciArchive({ rootfs: '/tmp/rootfs', reference: 'weir.local/pause:1', entrypoint: ['/pause'] }, '/tmp/pause.tar');
 */
export async function writeOciArchive(image: OciImageSpec, archive: string): Promise<void> {
  const layout = await mkdtemp(path.join(path.dirname(archive), '.oci-'));
  try {
    const blobs = path.join(layout, 'blobs', 'sha256');
    await mkdir(blobs, { recursive: true });
    const layerTar = path.join(layout, 'layer.tar');
    // Owned by root inside the image, whoever built the folder.
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', image.rootfs, '-cf', layerTar, '.']);
    const layerDigest = await sha256OfFile(layerTar);
    const layerSize = (await stat(layerTar)).size;
    await rename(layerTar, path.join(blobs, layerDigest));

    const writeBlob = async (json: unknown): Promise<{ digest: string; size: number }> => {
      const bytes = Buffer.from(JSON.stringify(json));
      const digest = createHash('sha256').update(bytes).digest('hex');
      await writeFile(path.join(blobs, digest), bytes);
      return { digest: `sha256:${digest}`, size: bytes.length };
    };
    const config = await writeBlob({
      architecture: 'amd64',
      os: 'linux',
      config: {
        ...(image.env === undefined ? {} : { Env: image.env }),
        ...(image.entrypoint === undefined ? {} : { Entrypoint: image.entrypoint }),
        ...(image.cmd === undefined ? {} : { Cmd: image.cmd }),
      },
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    });
    const manifest = await writeBlob({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: layerSize }],
    });
    const tag = image.reference.slice(image.reference.lastIndexOf(':') + 1);
    const index = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          // containerd names the image from the first, other tools from the second.
          annotations: { 'io.containerd.image.name': image.reference, 'org.opencontainers.image.ref.name': tag },
        },
      ],
    };
    await writeFile(path.join(layout, 'index.json'), JSON.stringify(index));
    await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await run('tar', ['-C', layout, '-cf', archive, 'oci-layout', 'index.json', 'blobs']);
  } finally {
    await rm(layout, { recursive: true, force: true });
  }
}
