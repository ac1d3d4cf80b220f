/**
 * The podman settings this kind of machine needs: crun cannot run containers on its hybrid
 * cgroup setup and systemd is not PID 1, so runc with the cgroupfs manager; the host's hard
 * limits cap what a container may ask for, so ulimits stay at 4096.
 */
export function renderContainersConf(): string {
  return [
    '# Written by weir (infra/podman.ts); edits are overwritten.',
    '[containers]',
    'default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]',
    '',
    '[engine]',
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    // journald is usually absent here; a file keeps `podman events` and the service working.
    'events_logger = "file"',
    '',
  ].join('\n');
}
