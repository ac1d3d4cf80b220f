/**
 * A codec server for the Temporal Web UI, without the weir CLI:
 *
 *   WEIR_PAYLOAD_KEY=... npx tsx codec/serve.ts --port 8888 [--host 127.0.0.1] [--origin URL]... [--namespace NS]...
 *
 * then in the Web UI: Settings (top right) -> Codec Server -> http://127.0.0.1:8888.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_UI_ORIGINS, startCodecServer } from './codec-server.ts';
import { codecFromEnv } from './data-converter.ts';
import { KEY_VARIABLE } from './keys.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8888' },
      host: { type: 'string', default: '127.0.0.1' },
      origin: { type: 'string', multiple: true },
      namespace: { type: 'string', multiple: true },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${values.port}" is not a TCP port`);
  const codec = codecFromEnv(process.env);
  if (!codec) throw new Error(`${KEY_VARIABLE} is not set: the codec server needs the same key as the workers`);
  const server = await startCodecServer({
    port,
    host: values.host,
    codec,
    allowedOrigins: values.origin ?? [...DEFAULT_UI_ORIGINS],
    ...(values.namespace ? { namespaces: values.namespace } : {}),
  });
  console.log(`codec server on ${server.url} (key "${codec.keyId}"); allowed origins: ${(values.origin ?? DEFAULT_UI_ORIGINS).join(', ')}`);
  console.log('Temporal Web UI: Settings -> Codec Server -> that URL. Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
}

main().catch((error: unknown) => {
  console.error(`codec server: ${(error as Error).message}`);
  process.exitCode = 1;
});
