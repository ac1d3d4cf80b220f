import { describe, expect, it } from 'vitest';
import { PodmanSetupError, requireExecutable } from './binaries.ts';
import { renderContainersConf } from './containers-conf.ts';

describe('requireExecutable', () => {
  it('fails with the apt packages to install when a tool is missing', () => {
    let thrown: unknown;
    try {
      requireExecutable('weir-no-such-podman');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PodmanSetupError);
    expect((thrown as PodmanSetupError).missing).toBe('weir-no-such-podman');
    expect((thrown as Error).message).toContain('apt-get install -y --no-install-recommends podman runc busybox-static');
  });
});

describe('renderContainersConf', () => {
  it('selects runc, cgroupfs and ulimits the host allows', () => {
    const conf = renderContainersConf();
    expect(conf).toContain('runtime = "runc"');
    expect(conf).toContain('cgroup_manager = "cgroupfs"');
    expect(conf).toContain('"nofile=4096:4096"');
  });
});
