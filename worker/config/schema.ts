import { z } from 'zod';
import { parseDuration } from '../../plan/duration.ts';
import { ConfigError } from './errors.ts';

/** Where settings come from: `process.env` in a process, a plain object in tests and the CLI's io. */
export type Env = Readonly<Record<string, string | undefined>>;

const text = (accepts: string) => z.string({ error: accepts }).trim().min(1, { error: accepts }).optional();

const wholeNumber = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = Number(raw);
      if (Number.isInteger(value) && value >= 1) return value;
      ctx.addIssue({ code: 'custom', message: `must be a whole number >= 1, got "${raw}"` });
      return z.NEVER;
    });

const flag = (name: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return undefined;
      const value = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false (1/0), got "${raw}" for ${name}` });
      return z.NEVER;
    });

const port = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= 0 && value <= 65535) return value;
    ctx.addIssue({ code: 'custom', message: `must be a port number 0-65535, got "${raw}"` });
    return z.NEVER;
  });

const duration = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw === undefined || raw.trim() === '' ? fallback : raw.trim();
      const ms = parseDuration(value);
      if (ms !== null) return ms;
      ctx.addIssue({ code: 'custom', message: `must be a duration such as 30s, 2m or 1h, got "${raw}"` });
      return z.NEVER;
    });

const url = (protocols: readonly string[], example: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      let parsed: URL | undefined;
      try {
        parsed = new URL(raw.trim());
      } catch {
        parsed = undefined;
      }
      if (parsed && protocols.includes(parsed.protocol)) return raw.trim();
      // Never echo the value: these URLs carry passwords.
      ctx.addIssue({ code: 'custom', message: `must be a URL such as ${example}` });
      return z.NEVER;
    });

/**
 * Every setting Weir reads, in one schema. Temporal's own names (TEMPORAL_ADDRESS,
 * TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_PROFILE...) are read by `@temporalio/envconfig`
 * beside these; the ones listed here are checked first so a bad value fails with its name.
 */
export const weirEnvSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:pass@host:5432/weir'),
  SMTP_URL: url(['smtp:', 'smtps:'], 'smtp://user:password@host:587 or smtps://...'),
  TEMPORAL_ADDRESS: text('must be host:port of the Temporal frontend, such as localhost:7233'),
  TEMPORAL_NAMESPACE: text('must be a Temporal namespace name'),
  TEMPORAL_API_KEY: text('must be an API key'),
  TEMPORAL_TLS: flag('TEMPORAL_TLS'),
  TEMPORAL_TLS_CERT: text('must be the path of a PEM client certificate'),
  TEMPORAL_TLS_KEY: text('must be the path of a PEM client key'),
  TEMPORAL_TLS_CA: text('must be the path of a PEM CA certificate'),
  TEMPORAL_TLS_SERVER_NAME: text('must be a host name'),
  TEMPORAL_PROFILE: text('must name a profile of the Temporal config file'),
  TEMPORAL_CONFIG_FILE: text('must be the path of a Temporal TOML config file'),
  WEIR_TASK_QUEUE: text('must be a task queue name').default('weir'),
  WEIR_DAGS_DIR: text('must be a folder of DAG files'),
  WEIR_MAX_CONCURRENT_ACTIVITIES: wholeNumber(100),
  WEIR_MAX_CONCURRENT_WORKFLOW_TASKS: wholeNumber(40),
  WEIR_POOLS: text('must be a list such as gpu=1,io=4'),
  WEIR_UI_URL: url(['http:', 'https:'], 'http://localhost:8233'),
  WEIR_WEB_URL: url(['http:', 'https:'], 'http://127.0.0.1:8080'),
  WEIR_UI_TOKEN: text('must be a token of at least 16 characters'),
  WEIR_ARTIFACT_ROOT: text('must be a folder'),
  WEIR_MAIL_FROM: text('must be an email address'),
  WEIR_OUTBOX_DIR: text('must be a folder'),
  WEIR_GIT_COMMIT: text('must be a commit id'),
  WEIR_TEMPORAL_BIN: text('must be the path of a temporal CLI'),
  WEIR_SHUTDOWN_GRACE: duration('30s'),
  WEIR_START_EXIT_AFTER_RUN: flag('WEIR_START_EXIT_AFTER_RUN'),
  WEIR_METRICS_PORT: port,
  WEIR_SYNC_SCHEDULES: flag('WEIR_SYNC_SCHEDULES'),
  WEIR_LOG_FORMAT: z.enum(['text', 'json'], { error: 'must be text or json' }).default('text'),
});

export type WeirEnv = z.output<typeof weirEnvSchema>;

/** Validates every known variable at once; the first bad one becomes a one-line ConfigError. */
export function parseWeirEnv(env: Env): WeirEnv {
  const result = weirEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? 'environment');
  throw new ConfigError(variable, issue?.message ?? 'is not valid');
}
