import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeOciArchive, type OciImageSpec } from './oci-archive.ts';

const run = promisify(execFile);

/** The pod sandbox image containerd is configured with (Kubernetes' own `pause`, built locally). */
export const PAUSE_IMAGE = 'weir.local/pause:3.10';
/**
 * A shell and the usual tools, from the host's static busybox. Not `:latest`, so the kubelet's
 * default pull policy is `IfNotPresent` and it never tries a registry.
 */
export const BUSYBOX_IMAGE = 'weir.local/busybox:1';

/** Builds an image from a folder laid out by `fill` and imports it into containerd's `k8s.io` namespace. */
async function importImage(
  ctr: { binary: string; address: string },
  workDir: string,
  image: Omit<OciImageSpec, 'rootfs'>,
  fill: (rootfs: string) => Promise<void>,
): Promise<void> {
  const work = await mkdtemp(path.join(workDir, 'image-'));
  try {
    const rootfs = path.join(work, 'rootfs');
    await mkdir(rootfs);
    await fill(rootfs);
    const archive = path.join(work, 'image.tar');
    await writeOciArchive({ ...image, rootfs }, archive);
    await run(ctr.binary, ['--address', ctr.address, '--namespace', 'k8s.io', 'images', 'import', archive]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface NodeImageSources {
  /** A statically linked `pause` (see install-kube-node.ts). */
  pauseBinary: string;
  /** A statically linked busybox (Debian's busybox-static). */
  busyboxBinary: string;
}

/**
 * Puts the two images a test node needs into containerd: `pause` for pod sandboxes and a
 * busybox for the pods themselves.
 */
export async function importNodeImages(ctr: { binary: string; address: string }, workDir: string, sources: NodeImageSources): Promise<void> {
  await importImage(ctr, workDir, { reference: PAUSE_IMAGE, entrypoint: ['/pause'] }, async (rootfs) => {
    await copyFile(sources.pauseBinary, path.join(rootfs, 'pause'));
  });
  await importImage(ctr, workDir, { reference: BUSYBOX_IMAGE, cmd: ['/bin/sh'], env: ['PATH=/bin'] }, async (rootfs) => {
    const bin = path.join(rootfs, 'bin');
    for (const dir of [bin, path.join(rootfs, 'tmp'), path.join(rootfs, 'etc')]) await mkdir(dir, { recursive: true });
    await copyFile(sources.busyboxBinary, path.join(bin, 'busybox'));
    const { stdout } = await run(sources.busyboxBinary, ['--list']);
    // Relative links: absolute ones would point at the host's path of busybox.
    for (const applet of stdout.split('\n').map((name) => name.trim())) {
      if (applet !== '' && applet !== 'busybox') await symlink('busybox', path.join(bin, applet));
    }
  });
}
