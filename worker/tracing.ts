import { createRequire } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';

import type { WeirEnv } from './config/schema.ts';

/** The parsed settings tracing depends on. */
export type TracingSettings = Pick<WeirEnv, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_SERVICE_NAME'>;

/** The workflow side of Temporal's OpenTelemetry interceptors, bundled with the interpreter. */
const WORKFLOW_INTERCEPTORS = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export interface WorkerTracing {
  /** Merged into Worker.create: activity interceptors, the workflow span sink, workflow interceptor modules. */
  workerOptions: Pick<WorkerOptions, 'sinks'> & { activityInterceptors: NonNullable<NonNullable<WorkerOptions['interceptors']>['activity']>; workflowModules: string[] };
  /** Sends the spans still waiting in the batch; call before the process exits. */
  shutdown(): Promise<void>;
}

/**
 * Tracing when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set:
 * a span per run (`RunWorkflow:<dagId>`), per task scheduled (`StartActivity:<dagId>.<taskId>`)
 * and per attempt (`RunActivity:<dagId>.<taskId>`), linked into one trace and exported over
 * OTLP/HTTP. Weir's configuration checks the endpoints; the exporter reads the standard
 * OTEL_EXPORTER_OTLP_* variables (headers, timeouts...) itself.
 */
export function workerTracing(settings: TracingSettings, processor?: SpanProcessor): WorkerTracing | undefined {
  if (!processor && settings.OTEL_EXPORTER_OTLP_ENDPOINT === undefined && settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT === undefined) return undefined;
  const resource = new Resource({ 'service.name': settings.OTEL_SERVICE_NAME });
  const spans = processor ?? new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spans] });
  // The activity interceptors use the global provider, propagator and (async-hooks) context.
  provider.register();
  return {
    workerOptions: {
      sinks: { exporter: makeWorkflowExporter(spans, resource) },
      activityInterceptors: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
      workflowModules: [WORKFLOW_INTERCEPTORS],
    },
    shutdown: () => provider.shutdown(),
  };
}
