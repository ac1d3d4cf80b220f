import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { RunStart } from '../../control/run-start.ts';
import { jsonPayload } from './json-payload.ts';
import { ProtoCodec } from './proto-codec.ts';
import { extractStartSchema, NAMESPACE_NOT_FOUND_TYPE, type ReflectionRoot, type SchemaJson } from './start-schema-extract.ts';

/** The file `npm run build` writes beside this module's compiled JavaScript (see write-start-schema.mjs). */
export const GENERATED_SCHEMA_FILE = 'start-schema.generated.js';

export interface StartSchema {
  /** The @temporalio/client version whose request this is; sent as `client-version` as that client does. */
  clientVersion: string;
  codec: ProtoCodec;
}

let loaded: Promise<StartSchema> | undefined;

/**
 * The start request's schema: the small one the build extracted when it is there (dist/, the
 * installed package), else cut from @temporalio/proto now (running from the TypeScript sources).
 */
export function loadStartSchema(): Promise<StartSchema> {
  loaded ??= import(new URL(`./${GENERATED_SCHEMA_FILE}`, import.meta.url).href).then(
    (module: { default: GeneratedStartSchema }) => schemaFromJson(module.default),
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error;
      return schemaFromJson(generateStartSchema());
    },
  );
  return loaded;
}

/** What the build writes into GENERATED_SCHEMA_FILE. */
export interface GeneratedStartSchema {
  clientVersion: string;
  schema: SchemaJson;
}

/** Cuts the schema out of the installed @temporalio/proto (loads all of it: for the build and for tests). */
export function generateStartSchema(): GeneratedStartSchema {
  const require = createRequire(import.meta.url);
  const root = require('@temporalio/proto/protos/json-module.js') as ReflectionRoot;
  return { clientVersion: (require('@temporalio/client/package.json') as { version: string }).version, schema: extractStartSchema(root) };
}

export function schemaFromJson(generated: GeneratedStartSchema): StartSchema {
  return { clientVersion: generated.clientVersion, codec: new ProtoCodec(generated.schema) };
}

function payloadMap(values: Record<string, unknown>): Record<string, ReturnType<typeof jsonPayload>> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, jsonPayload(value)]));
}

/** Who starts the run, as Temporal's client names itself by default: `<pid>@<host>`. */
export function defaultIdentity(): string {
  return `${process.pid}@${hostname()}`;
}

/**
 * The StartWorkflowExecutionRequest the Temporal client would send for this run start with
 * its default data converter (no payload codec): the same fields, the same payload encodings.
 */
export function startRequestObject(start: RunStart, namespace: string, identity: string = defaultIdentity(), requestId: string = randomUUID()): Record<string, unknown> {
  return {
    namespace,
    identity,
    requestId,
    workflowId: start.workflowId,
    ...(start.rejectDuplicate ? { workflowIdReusePolicy: 'WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE' } : {}),
    workflowType: { name: start.workflowType },
    input: { payloads: start.args.map((arg) => jsonPayload(arg)) },
    taskQueue: { kind: 'TASK_QUEUE_KIND_NORMAL', name: start.taskQueue },
    memo: { fields: payloadMap(start.memo) },
    searchAttributes: { indexedFields: payloadMap(start.searchAttributes) },
    header: { fields: {} },
    userMetadata: { summary: jsonPayload(start.staticSummary), details: jsonPayload(start.staticDetails) },
  };
}

/** The namespace a NOT_FOUND answer names in its status details, or null when it is about something else. */
export function namespaceNotFoundIn(schema: StartSchema, statusDetails: Buffer | null): string | null {
  if (!statusDetails) return null;
  const status = schema.codec.decode('google.rpc.Status', statusDetails) as { details?: { type_url?: string; value?: Uint8Array }[] };
  for (const detail of status.details ?? []) {
    if ((detail.type_url ?? '').replace(/^.*\//, '') === NAMESPACE_NOT_FOUND_TYPE) {
      return ((schema.codec.decode(NAMESPACE_NOT_FOUND_TYPE, detail.value ?? new Uint8Array()) as { namespace?: string }).namespace ?? '');
    }
  }
  return null;
}
