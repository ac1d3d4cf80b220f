/**
 * Process entry of the `weir` command, compiled to dist/cli/main.js and started by bin/weir.mjs.
 * It exits explicitly, so that an open gRPC channel or pool never keeps a finished command alive.
 */
import { processIo } from './io.ts';
import { runCli } from './run-cli.ts';

const exitCode = await runCli(process.argv.slice(2), processIo());
process.exit(exitCode);
