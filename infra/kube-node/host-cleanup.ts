import { execFile } from 'node:child_process';
import { readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The kernel settings the kubelet rewrites at start (it sets `kernel.panic_on_oops=1`,
 * `vm.overcommit_memory=1`, ...). A test node shares the machine, so they are put back after.
 */
const KUBELET_SYSCTLS = ['vm/overcommit_memory', 'vm/panic_on_oom', 'kernel/panic', 'kernel/panic_on_oops', 'kernel/keys/root_maxkeys', 'kernel/keys/root_maxbytes'];

export async function saveKubeletSysctls(): Promise<Map<string, string>> {
  const saved = new Map<string, string>();
  for (const key of KUBELET_SYSCTLS) {
    const value = await readFile(`/proc/sys/${key}`, 'utf8').catch(() => undefined);
    if (value !== undefined) saved.set(key, value.trim());
  }
  return saved;
}

export async function restoreSysctls(saved: Map<string, string>): Promise<void> {
  for (const [key, value] of saved) await writeFile(`/proc/sys/${key}`, value).catch(() => {});
}

/** Unescapes the octal escapes (`\040` for a space) of a /proc/self/mountinfo path. */
function mountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/**
 * Lazily unmounts everything mounted under `dir`, deepest first: pod volumes (tmpfs), container
 * root filesystems (overlay) and network namespaces, so nothing outlives the test node.
 */
export async function unmountUnder(dir: string): Promise<void> {
  const prefix = `${path.resolve(dir)}/`;
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((field): field is string => field !== undefined)
    .map(mountPath)
    .filter((mount) => mount.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
  for (const mount of new Set(mounts)) await run('umount', ['-l', mount]).catch(() => {});
}

/** Removes the (empty) cgroups the kubelet made under `name` in every v1 hierarchy, or in the v2 tree. */
export async function removeCgroups(name: string): Promise<void> {
  const roots = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'];
  for (const hierarchy of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) roots.push(path.join('/sys/fs/cgroup', hierarchy));
  for (const root of roots) await removeTree(path.join(root, name));
}

async function removeTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
  if (entries === null) return;
  for (const entry of entries) if (entry.isDirectory()) await removeTree(path.join(dir, entry.name));
  await rmdir(dir).catch(() => {});
}
