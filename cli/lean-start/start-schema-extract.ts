/**
 * Cuts, out of @temporalio/proto's reflection root, the few messages the lean path speaks:
 * StartWorkflowExecution, DescribeWorkflowExecution (a new run's pickup),
 * GetWorkflowExecutionHistory (its close) and QueryWorkflow (its progress), each request and response with every type they reach, and
 * google.rpc.Status for error details. The result is protobufjs JSON (what `Root.fromJSON`
 * reads); the build writes it next to the compiled lean start module, so `weir trigger` never
 * loads the whole Temporal API (about 130 ms of reflection objects) to start or follow a run.
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
export const HISTORY_REQUEST_TYPE = 'temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest';
export const HISTORY_RESPONSE_TYPE = 'temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse';
export const QUERY_REQUEST_TYPE = 'temporal.api.workflowservice.v1.QueryWorkflowRequest';
export const QUERY_RESPONSE_TYPE = 'temporal.api.workflowservice.v1.QueryWorkflowResponse';
export const DESCRIBE_REQUEST_TYPE = 'temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest';
export const DESCRIBE_RESPONSE_TYPE = 'temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse';
export const EVENT_TYPE_ENUM = 'temporal.api.enums.v1.EventType';
export const EXECUTION_STATUS_ENUM = 'temporal.api.enums.v1.WorkflowExecutionStatus';
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

/**
 * Messages cut down to the fields the lean path sets or reads; a history event, for one, reaches
 * nearly the whole API. Decoding skips the fields left out. Every other message comes whole.
 */
export const TRIMMED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  [START_REQUEST_TYPE]: START_REQUEST_FIELDS,
  // Its scalars only: the eager workflow task it may carry is never asked for.
  [START_RESPONSE_TYPE]: ['runId', 'started', 'firstExecutionRunId'],
  [HISTORY_RESPONSE_TYPE]: ['history', 'nextPageToken'],
  'temporal.api.history.v1.HistoryEvent': ['eventId', 'eventType', 'workflowExecutionCompletedEventAttributes', 'workflowExecutionContinuedAsNewEventAttributes'],
  'temporal.api.history.v1.WorkflowExecutionCompletedEventAttributes': ['result', 'newExecutionRunId'],
  'temporal.api.history.v1.WorkflowExecutionContinuedAsNewEventAttributes': ['newExecutionRunId'],
  [QUERY_REQUEST_TYPE]: ['namespace', 'execution', 'query', 'queryRejectCondition'],
  'temporal.api.query.v1.WorkflowQuery': ['queryType', 'queryArgs'],
  [QUERY_RESPONSE_TYPE]: ['queryResult'],
  [DESCRIBE_RESPONSE_TYPE]: ['workflowExecutionInfo'],
  'temporal.api.workflow.v1.WorkflowExecutionInfo': ['status', 'historyLength'],
};

/** The messages the lean path sends or reads. */
const ROOT_TYPES = [
  NAMESPACE_NOT_FOUND_TYPE,
  ANY_TYPE,
  START_REQUEST_TYPE,
  START_RESPONSE_TYPE,
  HISTORY_REQUEST_TYPE,
  HISTORY_RESPONSE_TYPE,
  QUERY_REQUEST_TYPE,
  QUERY_RESPONSE_TYPE,
  DESCRIBE_REQUEST_TYPE,
  DESCRIBE_RESPONSE_TYPE,
];

export type SchemaJson = { nested: Record<string, unknown> };

/** The protobufjs JSON of the lean path's requests, their responses and all they depend on. */
export function extractStartSchema(root: ReflectionRoot): SchemaJson {
  const wanted = new Map<string, ReflectionObject>();
  const visit = (object: ReflectionObject) => {
    if (wanted.has(object.fullName)) return;
    wanted.set(object.fullName, object);
    for (const field of keptFields(object)) {
      const resolved = field.resolve().resolvedType;
      if (resolved) visit(resolved);
    }
  };
  for (const name of ROOT_TYPES) visit(root.lookupType(name));

  const schema: SchemaJson = { nested: {} };
  for (const [fullName, object] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    const json = object.toJSON();
    // Nested types are emitted on their own path; options are documentation only.
    delete json.nested;
    delete json.options;
    const kept = new Set(keptFields(object).map((field) => field.name));
    if (json.fields) {
      json.fields = Object.fromEntries(
        Object.entries(json.fields as Record<string, Record<string, unknown>>)
          .filter(([name]) => kept.has(name))
          .map(([name, field]) => [name, withoutOptions(field)]),
      );
    }
    // Oneof groups name fields that may be left out; decoding reads each field on its own.
    delete json.oneofs;
    place(schema, fullName.replace(/^\./, ''), json);
  }
  place(schema, 'google.rpc.Status', RPC_STATUS_JSON);
  return schema;
}

/** A message's fields as the schema keeps them: the trimmed list, checked against the API, or all. */
function keptFields(object: ReflectionObject): ReflectionField[] {
  const fields = (object as Partial<ReflectionType>).fieldsArray ?? [];
  const trimmed = TRIMMED_FIELDS[object.fullName.replace(/^\./, '')];
  if (!trimmed) return fields;
  const missing = trimmed.filter((name) => !fields.some((field) => field.name === name));
  if (missing.length > 0) throw new Error(`@temporalio/proto's ${object.fullName} has no field(s) ${missing.join(', ')}; the lean schema needs updating`);
  return fields.filter((field) => trimmed.includes(field.name));
}

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
