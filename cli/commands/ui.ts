import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { parseWeirEnv } from '../../worker/config/index.ts';
import type { CliIo } from '../io.ts';
import { parsePort } from '../parse-options.ts';
import type { ContextFor } from '../program.ts';
import { waitForShutdownSignal } from '../signals.ts';

export interface UiCommandOptions {
  port: number;
  host: string;
  authToken?: string;
  authProxyHeader?: string;
  actor?: string;
}

/** What the web view needs from a running stack or from the environment. */
export interface WebViewSource {
  client: Client;
  databaseUrl: string;
  dagsDir: string;
  taskQueue: string;
  namespace: string;
  temporalUiUrl: string;
}

export interface RunningWebView {
  url: string;
  close(): Promise<void>;
}

/** The options of the web view shared by `weir ui` and `weir dev`. */
export function withWebViewAuthOptions(command: Command): Command {
  return command
    .option('--auth-token <token>', 'require this token (at least 16 characters) for every request; also WEIR_UI_TOKEN')
    .option('--auth-proxy-header <name>', 'trust this header (e.g. X-Forwarded-User), set by an auth proxy in front, to name the user; only behind such a proxy')
    .option('--actor <name>', 'name recorded in audit trails for actions taken in the view when no proxy names the user (default $USER)');
}

/**
 * Starts the web view's server for a stack: its own database pool, the DAGs folder reloaded
 * when files change, the auth settings from options and WEIR_UI_TOKEN.
 */
export async function startWebView(io: CliIo, source: WebViewSource, options: UiCommandOptions): Promise<RunningWebView> {
  const [{ startUiServer, reloadingCatalog }, { createDb }, { createArtifactStore }, { artifactSettingsFromEnv }] = await Promise.all([
    import('../../ui/index.ts'),
    import('../../db/connection.ts'),
    import('../../artifacts/index.ts'),
    import('../../worker/config/artifact-settings.ts'),
  ]);
  const token = options.authToken ?? parseWeirEnv(io.env).WEIR_UI_TOKEN;
  const db = createDb(source.databaseUrl, { maxConnections: 4 });
  try {
    const server = await startUiServer(
      {
        client: source.client,
        db,
        taskQueue: source.taskQueue,
        namespace: source.namespace,
        catalog: reloadingCatalog(source.dagsDir, undefined, { limits: { fileTimeoutMs: parseWeirEnv(io.env).WEIR_DAG_LOAD_TIMEOUT_MS } }),
        temporalUiUrl: source.temporalUiUrl,
        auth: { token, proxyHeader: options.authProxyHeader, actor: options.actor ?? (io.env.USER || 'weir-ui') },
        artifacts: createArtifactStore(artifactSettingsFromEnv(io.env, io.cwd)),
      },
      { host: options.host, port: options.port, logError: (error) => io.err(`weir ui: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`) },
    );
    return {
      url: server.url,
      close: async () => {
        await server.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

export function registerUiCommand(program: Command, contextFor: ContextFor): void {
  withWebViewAuthOptions(
    program
      .command('ui')
      .description('serve the web view (DAGs, runs, models) on 127.0.0.1:8080 until Ctrl-C')
      .option('--port <port>', 'port to listen on', parsePort, 8080)
      .option('--host <address>', 'address to listen on; anything but loopback needs --auth-token or --auth-proxy-header', '127.0.0.1'),
  ).action(async (options: UiCommandOptions, command: Command) => {
    const context = contextFor(command);
    const { checkExposure } = await import('../../ui/security.ts');
    // Before connecting to anything: an exposed view without auth must not start at all.
    checkExposure(options.host, { token: options.authToken ?? parseWeirEnv(context.io.env).WEIR_UI_TOKEN, proxyHeader: options.authProxyHeader, actor: '' });
    const shutdownRequested = waitForShutdownSignal();
    const settings = context.temporalSettings();
    const { resolveDatabaseUrl } = await import('../stack-file.ts');
    const view = await startWebView(
      context.io,
      {
        client: await context.client(),
        databaseUrl: resolveDatabaseUrl(context.io.env, context.io.cwd),
        dagsDir: context.dagsDir,
        taskQueue: context.taskQueue,
        namespace: settings.namespace,
        temporalUiUrl: parseWeirEnv(context.io.env).WEIR_UI_URL ?? 'http://localhost:8233',
      },
      options,
    );
    context.io.out(`Weir UI:      ${view.url}`);
    context.io.out(`Temporal UI:  ${parseWeirEnv(context.io.env).WEIR_UI_URL ?? 'http://localhost:8233'}`);
    context.io.out('Press Ctrl-C to stop.');
    await shutdownRequested;
    await view.close();
  });
}
