import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../test/stack.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const DAGS = path.join(REPO, 'worker', 'fixtures', 'observed');
const taskQueue = `metrics-${randomUUID().slice(0, 8)}`;

let worker: ChildProcess;
let baseUrl: string;
let workerOutput = '';
let receiver: Server;
let otlpEndpoint: string;

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}
const spans: ReceivedSpan[] = [];
const serviceNames = new Set<string>();

/** An OTLP/HTTP receiver: the worker's exporter posts JSON-encoded ExportTraceServiceRequests here. */
function startOtlpReceiver(): Promise<Server> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces' && request.headers['content-type']?.includes('json')) {
        const message = JSON.parse(body) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: ReceivedSpan[] }[] }[] };
        for (const resourceSpans of message.resourceSpans) {
          for (const attribute of resourceSpans.resource.attributes) if (attribute.key === 'service.name' && attribute.value.stringValue) serviceNames.add(attribute.value.stringValue);
          for (const scope of resourceSpans.scopeSpans) spans.push(...scope.spans);
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function env(): NodeJS.ProcessEnv {
  const { temporalAddress, databaseUrl } = testStack();
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TEMPORAL_ADDRESS: temporalAddress,
    DATABASE_URL: databaseUrl,
    WEIR_TASK_QUEUE: taskQueue,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    OTEL_SERVICE_NAME: 'weir-test-worker',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    WEIR_LOG_FORMAT: 'json',
  };
}

/** Starts the real `weir worker --metrics-port 0` and reads the address it prints. */
function startWorker(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [WEIR, '--dags', DAGS, 'worker', '--metrics-port', '0', '--no-sync-schedules'], { cwd: REPO, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /metrics and probes on (http:\/\/\S+)/.exec(output);
      if (found?.[1]) resolve({ child, url: found[1] });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => reject(new Error(`weir worker exited with ${code}: ${output.slice(-2000)}`)));
  });
}

function trigger(dagId: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, '--dags', DAGS, 'trigger', dagId, '--wait'], { cwd: REPO, env: env(), timeout: 90_000 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout });
    });
  });
}

/** The value of one sample line, e.g. `weir_runs_started_total{dag="observed"} 1`. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && labels.split(',').every((label) => candidate.includes(label)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  otlpEndpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  ({ child: worker, url: baseUrl } = await startWorker());
});
afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('weir worker --metrics-port', () => {
  it('answers the probes once it polls', async () => {
    expect((await fetch(`${baseUrl}/livez`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/nowhere`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it("serves Weir's run and task metrics and the Temporal SDK's worker metrics in one scrape", async () => {
    const run = await trigger('observed');
    expect(run.code).toBe(0);
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(sample(text, 'weir_runs_started_total', 'dag="observed"')).toBe(1);
    expect(sample(text, 'weir_runs_finished_total', 'dag="observed",status="success"')).toBe(1);
    expect(sample(text, 'weir_task_attempts_total', 'dag="observed",outcome="success"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'weir_task_duration_seconds_count', 'dag="observed"')).toBeGreaterThanOrEqual(1);
    // The SDK's own exporter: its activity and workflow task counters carry the task queue.
    expect(text).toMatch(new RegExp(`^temporal_\\w+\\{[^}]*task_queue="${taskQueue}"[^}]*\\} \\d`, 'm'));
  });
});

describe('OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('sends one trace per run, with a span for the run and one for each task attempt under it', async () => {
    const run = await trigger('observed');
    expect(run.code).toBe(0);
    const runId = /observed-\S+/.exec(run.stdout)?.[0];
    expect(runId).toBeDefined();
    const deadline = Date.now() + 30_000;
    const named = (name: string) => spans.filter((span) => span.name === name);
    while (Date.now() < deadline && (named('RunActivity:observed.repeat').length < 2 || named('RunWorkflow:observed').length < 2)) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(serviceNames).toContain('weir-test-worker');
    // Two runs of observed so far (the metrics test ran one): take the last run's trace.
    const runSpan = named('RunWorkflow:observed').at(-1);
    expect(runSpan).toBeDefined();
    const trace = spans.filter((span) => span.traceId === runSpan?.traceId);
    const attempts = trace.filter((span) => span.name.startsWith('RunActivity:observed.')).map((span) => span.name).sort();
    expect(attempts).toEqual(['RunActivity:observed.compose', 'RunActivity:observed.repeat']);
    // Each attempt hangs under the span that scheduled it, which hangs under the run.
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    for (const attempt of trace.filter((span) => span.name.startsWith('RunActivity:'))) {
      let ancestor = attempt.parentSpanId ? byId.get(attempt.parentSpanId) : undefined;
      while (ancestor && ancestor !== runSpan) ancestor = ancestor.parentSpanId ? byId.get(ancestor.parentSpanId) : undefined;
      expect(ancestor, `${attempt.name} is not under the run's span`).toBe(runSpan);
    }
  });
});

describe('WEIR_LOG_FORMAT=json', () => {
  it('prints every worker line as one JSON object, task entries with their run, task and attempt', async () => {
    const run = await trigger('observed');
    expect(run.code).toBe(0);
    const runId = /observed-\S+/.exec(run.stdout)?.[0];
    const deadline = Date.now() + 10_000;
    // Complete lines only: the last one may still be arriving.
    const entries = () => workerOutput.slice(0, workerOutput.lastIndexOf('\n')).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
    while (Date.now() < deadline && !entries().some((entry) => entry.runId === runId && entry.msg === 'composing')) await new Promise((resolve) => setTimeout(resolve, 100));
    const all = entries();
    expect(all.length).toBeGreaterThan(3);
    for (const entry of all) expect(entry).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String), service: 'weir-worker' });
    expect(all.find((entry) => entry.msg === 'composing' && entry.runId === runId)).toMatchObject({
      level: 'info',
      dagId: 'observed',
      taskId: 'compose',
      attempt: 1,
      mapIndex: -1,
      attrs: { words: 2 },
    });
    expect(all.some((entry) => typeof entry.msg === 'string' && entry.msg.startsWith('worker serving task queue'))).toBe(true);
  });
});
