import type { Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { freePort } from '../infra/ports.ts';
import { fetchPrometheusText, startHealthServer, type HealthServer } from './health-server.ts';
import { WeirMetrics } from './metrics.ts';

export interface WorkerObservability {
  metrics: WeirMetrics;
  /** Starts serving probes and metrics; `state` tells whether the worker polls. */
  serve(state: () => string): Promise<HealthServer>;
}

/**
 * Turns on the Temporal SDK's Prometheus exporter (on a loopback port of its own) and Weir's
 * metrics, both served on `port` by one HTTP server with the probes. It installs the SDK
 * runtime, so it must run before the worker opens its first connection.
 */
export async function setUpWorkerObservability(port: number, options: { host?: string; logger?: TemporalLogger } = {}): Promise<WorkerObservability> {
  const { host } = options;
  const sdkPort = await freePort();
  Runtime.install({
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}`, countersTotalSuffix: true } } },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const metrics = new WeirMetrics();
  const sdkMetricsUrl = `http://127.0.0.1:${sdkPort}/metrics`;
  return {
    metrics,
    serve: (state) =>
      startHealthServer({
        port,
        ...(host === undefined ? {} : { host }),
        isLive: () => state() !== 'FAILED',
        isReady: () => state() === 'RUNNING',
        metricsText: async () => {
          const [own, sdk] = await Promise.all([metrics.text(), fetchPrometheusText(sdkMetricsUrl).catch(() => '')]);
          return `${own}\n${sdk}`;
        },
      }),
  };
}
