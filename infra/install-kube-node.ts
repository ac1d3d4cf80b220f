/**
 * Installs (or finds) the binaries of the Kubernetes test node, for CI and fresh machines:
 *   npx tsx infra/install-kube-node.ts
 * Prints their folder on stdout; progress goes to stderr. containerd, runc and the CNI plugins
 * come from apt (containerd, runc, containernetworking-plugins), gcc builds `pause`.
 */
import path from 'node:path';
import { resolveKubeNodeBinaries } from './kube-node/install.ts';

try {
  const binaries = await resolveKubeNodeBinaries({ install: true, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${path.dirname(binaries.kubelet)}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
