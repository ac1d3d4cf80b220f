import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** podman, runc or busybox is not on this machine; the message says how to install it. */
export class PodmanSetupError extends Error {
  override readonly name = 'PodmanSetupError';
  constructor(
    readonly missing: string,
    message: string,
  ) {
    super(message);
  }
}

export const PODMAN_APT_PACKAGES = ['podman', 'runc', 'busybox-static'] as const;

const INSTALL_HINT = `install them with: apt-get update && apt-get install -y --no-install-recommends ${PODMAN_APT_PACKAGES.join(' ')}`;

// runc lives in /usr/sbin on Debian, which a non-login shell's PATH may lack.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Absolute path of an executable on PATH (or the usual system folders), else null. */
export function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

export function requireExecutable(name: string, override?: string): string {
  const found = override ?? findExecutable(name);
  if (found === null) {
    throw new PodmanSetupError(name, `${name} is not installed, and the container runner tests need it; ${INSTALL_HINT}`);
  }
  return found;
}
