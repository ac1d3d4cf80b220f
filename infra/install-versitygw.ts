/**
 * Installs (or finds) Versity's S3 gateway, for CI and fresh machines:
 *   npx tsx infra/install-versitygw.ts
 * Prints the binary's path on stdout; progress goes to stderr.
 */
import { resolveVersityGwBinary } from './versitygw.ts';

try {
  const binary = await resolveVersityGwBinary({ install: true, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${binary}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
