import path from 'node:path';
import { z } from 'zod';
import { keyringFromEnv, PayloadKeyError } from '../../codec/keys.ts';
import { parseDuration } from '../../plan/duration.ts';
import { ConfigError } from './errors.ts';

/** Where settings come from: `process.env` in a process, a plain object in tests and the CLI's io. */
export type Env = Readonly<Record<string, string | undefined>>;

const text = (accepts: string) => z.string({ error: accepts }).trim().min(1, { error: accepts }).optional();

/**
 * An optional variable: unset or blank is `undefined`; otherwise `parse` gives its value, or
 * null when the text is not acceptable, and the issue says what the variable accepts.
 */
const checked = <T>(parse: (value: string) => T | null, problem: (raw: string) => string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx): T | undefined => {
      if (raw === undefined || raw.trim() === '') return undefined;
      const value = parse(raw.trim());
      if (value !== null) return value;
      ctx.addIssue({ code: 'custom', message: problem(raw) });
      return z.NEVER;
    });

const got = (accepts: string) => (raw: string) => `${accepts}, got "${raw}"`;

const integerIn = (min: number, max: number) => (value: string) => {
  const number = Number(value);
  return Number.isInteger(number) && number >= min && number <= max ? number : null;
};

const wholeNumber = (fallback: number) => checked(integerIn(1, Number.MAX_SAFE_INTEGER), got('must be a whole number >= 1')).transform((value) => value ?? fallback);

const flag = (name: string) =>
  checked(
    (value) => {
      const word = value.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(word)) return true;
      if (['0', 'false', 'no', 'off'].includes(word)) return false;
      return null;
    },
    (raw) => `must be true or false (1/0), got "${raw}" for ${name}`,
  );

const port = checked(integerIn(0, 65535), got('must be a port number 0-65535'));

const duration = (fallbackMs: number) => checked(parseDuration, got('must be a duration such as 30s, 2m or 1h')).transform((ms) => ms ?? fallbackMs);

// Never echo the value: these URLs carry passwords.
const url = (protocols: readonly string[], example: string) =>
  checked(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol) ? value : null;
      } catch {
        return null;
      }
    },
    () => `must be a URL such as ${example}`,
  );

const region = checked((value) => (/^[A-Za-z0-9_-]+$/.test(value) ? value : null), got('must be a region name such as us-east-1'));

/** A local folder, or `s3://bucket/prefix`; any other scheme is a typo, never a folder name. */
const artifactRoot = checked((value) => {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  return scheme === undefined || (scheme === 's3' && /^s3:\/\/[^/\s]+(\/\S*)?$/.test(value)) ? value : null;
}, got('must be a folder or s3://bucket/prefix'));

/** `/data:/mnt/exports`: folders separated by the platform's path delimiter (`:` on Linux). */
const folderList = checked((value) => {
  const folders = value.split(path.delimiter).map((entry) => entry.trim()).filter(Boolean);
  return folders.length > 0 ? folders : null;
}, got(`must be folders separated by "${path.delimiter}", such as /data${path.delimiter}/mnt/exports`));

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
  WEIR_ACTOR: text('must be the name of who acts, such as ada'),
  WEIR_DAG_LOAD_TIMEOUT_MS: wholeNumber(30_000),
  WEIR_MAX_CONCURRENT_ACTIVITIES: wholeNumber(100),
  WEIR_MAX_CONCURRENT_WORKFLOW_TASKS: wholeNumber(40),
  WEIR_POOLS: text('must be a list such as gpu=1,io=4'),
  WEIR_UI_URL: url(['http:', 'https:'], 'http://localhost:8233'),
  WEIR_ARTIFACT_ROOT: artifactRoot,
  WEIR_S3_ENDPOINT: url(['http:', 'https:'], 'http://127.0.0.1:9000 (an S3-compatible server)'),
  WEIR_S3_REGION: region,
  WEIR_S3_FORCE_PATH_STYLE: flag('WEIR_S3_FORCE_PATH_STYLE'),
  AWS_ENDPOINT_URL_S3: url(['http:', 'https:'], 'https://s3.eu-west-1.amazonaws.com'),
  AWS_ENDPOINT_URL: url(['http:', 'https:'], 'https://s3.eu-west-1.amazonaws.com'),
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  WEIR_DATA_ROOTS: folderList,
  WEIR_WEB_URL: url(['http:', 'https:'], 'http://127.0.0.1:8080'),
  WEIR_UI_TOKEN: text('must be a token of at least 16 characters'),
  WEIR_MAIL_FROM: text('must be an email address'),
  WEIR_OUTBOX_DIR: text('must be a folder'),
  WEIR_GIT_COMMIT: text('must be a commit id'),
  WEIR_TEMPORAL_BIN: text('must be the path of a temporal CLI'),
  WEIR_SHUTDOWN_GRACE: duration(30_000),
  WEIR_START_EXIT_AFTER_RUN: flag('WEIR_START_EXIT_AFTER_RUN'),
  WEIR_METRICS_PORT: port,
  WEIR_SYNC_SCHEDULES: flag('WEIR_SYNC_SCHEDULES'),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:'], 'http://collector:4318'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(['http:', 'https:'], 'http://collector:4318/v1/traces'),
  OTEL_SERVICE_NAME: text('must be a service name').default('weir-worker'),
  WEIR_LOG_FORMAT: z.enum(['text', 'json'], { error: 'must be text or json' }).default('text'),
  // Checked together below: the key, its id and the retired keys make one keyring.
  WEIR_PAYLOAD_KEY: z.string().optional(),
  WEIR_PAYLOAD_KEY_ID: z.string().optional(),
  WEIR_PAYLOAD_PREVIOUS_KEYS: z.string().optional(),
}).superRefine((env, ctx) => {
  try {
    keyringFromEnv({ WEIR_PAYLOAD_KEY: env.WEIR_PAYLOAD_KEY, WEIR_PAYLOAD_KEY_ID: env.WEIR_PAYLOAD_KEY_ID, WEIR_PAYLOAD_PREVIOUS_KEYS: env.WEIR_PAYLOAD_PREVIOUS_KEYS });
  } catch (error) {
    if (!(error instanceof PayloadKeyError)) throw error;
    // The codec's own parser says what is wrong without echoing key material.
    ctx.addIssue({ code: 'custom', path: [error.variable], message: error.message.slice(error.variable.length + 2) });
  }
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
