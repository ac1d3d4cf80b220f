/**
 * Installs (or finds) the temporal CLI without the weir CLI, for CI and fresh machines:
 *   npx tsx infra/install-temporal.ts
 * Prints the binary's path on stdout; progress goes to stderr so scripts can capture the path.
 */
import { resolveTemporalBinary } from './temporal-binary.ts';

try {
  const binary = await resolveTemporalBinary({ install: true, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${binary}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
