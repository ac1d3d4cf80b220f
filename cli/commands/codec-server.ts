import type { Command } from 'commander';
import { DEFAULT_UI_ORIGINS, KEY_VARIABLE, codecFromEnv, startCodecServer } from '../../codec/index.ts';
import { parsePort } from '../parse-options.ts';
import type { ContextFor } from '../program.ts';
import { waitForShutdownSignal } from '../signals.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `weir codec-server`: lets the Temporal Web UI show encrypted params and outputs. */
export function registerCodecServerCommand(program: Command, contextFor: ContextFor): void {
  program
    .command('codec-server')
    .description('decrypt payloads for the Temporal Web UI and CLI (needs WEIR_PAYLOAD_KEY) until Ctrl-C')
    .option('--port <port>', 'HTTP port', parsePort, 8888)
    .option('--host <host>', 'interface to listen on; anyone who reaches it can decrypt', '127.0.0.1')
    .option('--origin <url>', 'Web UI origin allowed to call it (repeatable; default: the dev UI)', collect)
    .option('--namespace <ns>', 'serve only this namespace (repeatable)', collect)
    .action(async (options: { port: number; host: string; origin?: string[]; namespace?: string[] }, command: Command) => {
      const { io } = contextFor(command);
      const codec = codecFromEnv(io.env);
      if (!codec) throw new Error(`${KEY_VARIABLE} is not set: the codec server needs the same key as the workers`);
      const shutdownRequested = waitForShutdownSignal();
      const allowedOrigins = options.origin ?? [...DEFAULT_UI_ORIGINS];
      const server = await startCodecServer({ port: options.port, host: options.host, codec, allowedOrigins, ...(options.namespace ? { namespaces: options.namespace } : {}) });
      io.out(`codec server on ${server.url} (key "${codec.keyId}"), for origins ${allowedOrigins.join(', ')}`);
      io.out('In the Temporal Web UI: Settings -> Codec Server -> that URL. Ctrl-C stops it.');
      await shutdownRequested;
      await server.close();
    });
}
