/**
 * Process entry of the `weir` command, compiled to dist/cli/main.js and started by bin/weir.mjs.
 * It exits explicitly, so that an open gRPC channel or pool never keeps a finished command alive.
 */
import { processIo } from './io.ts';
import { runCli } from './run-cli.ts';

const exitCode = await runCli(process.argv.slice(2), processIo());
// Writes to a pipe are asynchronous: exiting before they drain cuts long output (weir logs) short.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
process.exit(exitCode);
