/**
 * Installs (or finds) kube-apiserver, for CI and fresh machines:
 *   npx tsx infra/install-kube-apiserver.ts
 * Prints the binary's path on stdout; progress goes to stderr. etcd comes from apt (etcd-server).
 */
import { resolveKubeApiServerBinary } from './kube-apiserver.ts';

try {
  const binary = await resolveKubeApiServerBinary({ install: true, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${binary}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
