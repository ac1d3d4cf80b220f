/**
 * Cuts, out of @temporalio/proto's reflection root, the few messages the lean start path
 * speaks: StartWorkflowExecutionRequest and its response with every type they reach, and
 * google.rpc.Status for error details. The result is protobufjs JSON (what `Root.fromJSON`
 * reads); the build writes it next to the compiled lean start module, so `weir trigger` never
 * loads the whole Temporal API (about 130 ms of reflection objects) before its run starts.
 */

/** The shape of the reflection objects used here; both protobufjs 7 and 8 have it. */
export interface ReflectionObject {
  fullName: string;
  toJSON(): Record<string, unknown>;
}
export interface ReflectionField {
  name: string;
  resolve(): { resolvedType: ReflectionObject | null };
}
export interface ReflectionType extends ReflectionObject {
  fieldsArray: ReflectionField[];
  oneofsArray?: unknown[];
}
export interface ReflectionRoot {
  lookupType(path: string): ReflectionType;
  lookup(path: string): ReflectionObject | null;
}

export const START_REQUEST_TYPE = 'temporal.api.workflowservice.v1.StartWorkflowExecutionRequest';
export const START_RESPONSE_TYPE = 'temporal.api.workflowservice.v1.StartWorkflowExecutionResponse';
export const NAMESPACE_NOT_FOUND_TYPE = 'temporal.api.errordetails.v1.NamespaceNotFoundFailure';
export const ANY_TYPE = 'google.protobuf.Any';

/** google.rpc.Status, which gRPC servers send in the `grpc-status-details-bin` trailer. */
const RPC_STATUS_JSON = {
  fields: {
    code: { type: 'int32', id: 1 },
    message: { type: 'string', id: 2 },
    details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
  },
};

/**
 * The request fields a Weir run start sets (control/run-start.ts); the other fields of the
 * request (continued failure, callbacks, versioning...) reach most of the API and stay out.
 */
export const START_REQUEST_FIELDS = [
  'namespace',
  'workflowId',
  'workflowType',
  'taskQueue',
  'input',
  'identity',
  'requestId',
  'workflowIdReusePolicy',
  'workflowIdConflictPolicy',
  'memo',
  'searchAttributes',
  'header',
  'userMetadata',
] as const;

export type SchemaJson = { nested: Record<string, unknown> };

/** The protobufjs JSON of the start request, its response and all they depend on. */
export function extractStartSchema(root: ReflectionRoot): SchemaJson {
  const wanted = new Map<string, ReflectionObject>();
  const visitFields = (fields: readonly ReflectionField[]) => {
    for (const field of fields) {
      const resolved = field.resolve().resolvedType;
      if (resolved) visit(resolved);
    }
  };
  const visit = (object: ReflectionObject) => {
    if (wanted.has(object.fullName)) return;
    wanted.set(object.fullName, object);
    visitFields((object as Partial<ReflectionType>).fieldsArray ?? []);
  };
  for (const name of [NAMESPACE_NOT_FOUND_TYPE, ANY_TYPE]) visit(root.lookupType(name));
  const request = root.lookupType(START_REQUEST_TYPE);
  const used = new Set<string>(START_REQUEST_FIELDS);
  const missing = START_REQUEST_FIELDS.filter((name) => !request.fieldsArray.some((field) => field.name === name));
  if (missing.length > 0) throw new Error(`@temporalio/proto's ${START_REQUEST_TYPE} has no field(s) ${missing.join(', ')}; the lean start schema needs updating`);
  visitFields(request.fieldsArray.filter((field) => used.has(field.name)));

  const schema: SchemaJson = { nested: {} };
  for (const [fullName, object] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    const json = object.toJSON();
    // Nested types are emitted on their own path; options are documentation only.
    delete json.nested;
    delete json.options;
    for (const [name, field] of Object.entries((json.fields ?? {}) as Record<string, Record<string, unknown>>)) (json.fields as Record<string, unknown>)[name] = withoutOptions(field);
    place(schema, fullName.replace(/^\./, ''), json);
  }
  place(schema, 'google.rpc.Status', RPC_STATUS_JSON);
  const requestJson = request.toJSON();
  const requestFields = (requestJson.fields ?? {}) as Record<string, Record<string, unknown>>;
  place(schema, START_REQUEST_TYPE, { fields: Object.fromEntries(START_REQUEST_FIELDS.map((name) => [name, withoutOptions(requestFields[name])])) });
  place(schema, START_RESPONSE_TYPE, scalarFieldsOnly(root.lookupType(START_RESPONSE_TYPE)));
  return schema;
}

/**
 * The response with only its scalar fields (run id, started): the message fields it may carry
 * (an eager workflow task) are never asked for, and decoding skips fields it does not know.
 */
function scalarFieldsOnly(type: ReflectionType): Record<string, unknown> {
  const json = type.toJSON();
  const fields = Object.entries((json.fields ?? {}) as Record<string, { type: string; id: number; rule?: string }>)
    .filter(([, field]) => SCALAR_TYPES.has(field.type))
    .map(([name, field]) => [name, { type: field.type, id: field.id, ...(field.rule ? { rule: field.rule } : {}) }]);
  return { fields: Object.fromEntries(fields) };
}

const SCALAR_TYPES = new Set(['string', 'bool', 'bytes', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'double', 'float']);

function withoutOptions(field: Record<string, unknown> | undefined): Record<string, unknown> {
  const { options: _options, ...rest } = field ?? {};
  return rest;
}

function place(schema: SchemaJson, fullName: string, json: Record<string, unknown>): void {
  const parts = fullName.split('.');
  const name = parts.pop() as string;
  let namespace: { nested: Record<string, unknown> } = schema;
  for (const part of parts) {
    const next = (namespace.nested[part] ??= { nested: {} }) as { nested?: Record<string, unknown> };
    next.nested ??= {};
    namespace = next as { nested: Record<string, unknown> };
  }
  const existing = namespace.nested[name] as { nested?: Record<string, unknown> } | undefined;
  namespace.nested[name] = { ...json, ...(existing?.nested ? { nested: existing.nested } : {}) };
}
