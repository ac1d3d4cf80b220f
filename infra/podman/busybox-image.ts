import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PodmanSetupError, requireExecutable } from './binaries.ts';

const run = promisify(execFile);

export const BUSYBOX_IMAGE = 'localhost/weir-busybox:latest';

export interface BusyboxImageOptions {
  /** The containers.conf the podman service uses, so both see the same storage and runtime. */
  containersConf: string;
  image?: string;
  podmanBinary?: string;
  /** A statically linked busybox; the image has no libc. Default: busybox-static's. */
  busyboxBinary?: string;
}

/**
 * Makes sure the engine has a tiny image with a shell and the usual tools, built offline from
 * the host's static busybox: these machines cannot pull from a registry.
 *
 * @example
 * await ensureBusyboxImage({ containersConf: service.containersConf });
 */
export async function ensureBusyboxImage(options: BusyboxImageOptions): Promise<string> {
  const image = options.image ?? BUSYBOX_IMAGE;
  const podman = requireExecutable('podman', options.podmanBinary);
  const env = { ...process.env, CONTAINERS_CONF: options.containersConf };
  try {
    await run(podman, ['image', 'exists', image], { env });
    return image;
  } catch {
    // Missing: build it below.
  }

  const busybox = requireExecutable('busybox', options.busyboxBinary);
  await assertStatic(busybox);
  const { stdout: version } = await run(busybox, ['--help']).catch(() => ({ stdout: '' }));
  const work = await mkdtemp(path.join(tmpdir(), 'weir-busybox-'));
  try {
    const rootfs = path.join(work, 'rootfs');
    const bin = path.join(rootfs, 'bin');
    for (const dir of [bin, path.join(rootfs, 'tmp'), path.join(rootfs, 'etc')]) await mkdir(dir, { recursive: true });
    await copyFile(busybox, path.join(bin, 'busybox'));
    // Relative links: `busybox --install -s` would point them at the host's absolute path.
    const { stdout: applets } = await run(busybox, ['--list']);
    for (const applet of applets.split('\n').map((name) => name.trim())) {
      if (applet !== '' && applet !== 'busybox') await symlink('busybox', path.join(bin, applet));
    }
    const tarball = path.join(work, 'rootfs.tar');
    await run('tar', ['-C', rootfs, '-cf', tarball, '.']);
    const label = version.split('\n')[0]?.trim() ?? 'busybox';
    await run(podman, ['import', '--message', `weir test image from ${label}`, '--change', 'CMD ["/bin/sh"]', '--change', 'ENV PATH=/bin', tarball, image], { env });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return image;
}

/** A dynamically linked busybox (Debian's `busybox` package) would find no libc in the image. */
async function assertStatic(binary: string): Promise<void> {
  const file = await open(binary, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(8192), 0, 8192, 0);
    const head = buffer.subarray(0, bytesRead).toString('latin1');
    if (head.includes('/ld-linux') || head.includes('/ld-musl')) {
      throw new PodmanSetupError(
        'busybox-static',
        `${binary} is dynamically linked and cannot run in an image without libc; apt-get install -y busybox-static (it replaces the busybox package)`,
      );
    }
  } finally {
    await file.close();
  }
}
