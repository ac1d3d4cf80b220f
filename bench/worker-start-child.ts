/**
 * Child process of the worker cold start benchmark: starts a real Weir worker and reports when
 * it is RUNNING, then keeps polling until its stdin closes. Times are ms since process start.
 *   worker-start-child.ts <address> <taskQueue> <dagsDir> <databaseUrl> [bundlePath]
 * Without bundlePath the worker bundles the interpreter on the fly, as `weir worker` does then.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createDb } from '../db/index.ts';
import { createWeirWorker } from '../worker/create-worker.ts';

export interface WorkerStartReport {
  importsDoneMs: number;
  connectedMs: number;
  createdMs: number;
  runningMs: number;
}

const [address, taskQueue, dagsDir, databaseUrl, bundlePath] = process.argv.slice(2);
if (!address || !taskQueue || !dagsDir || !databaseUrl) throw new Error('usage: worker-start-child.ts <address> <taskQueue> <dagsDir> <databaseUrl> [bundlePath]');
const importsDoneMs = performance.now();
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address });
const connectedMs = performance.now();
// The pool connects lazily; nothing here waits for Postgres.
const db = createDb(databaseUrl);
const { worker } = await createWeirWorker({ connection, namespace: 'default', taskQueue, dagsDir, db, log: () => {}, ...(bundlePath ? { workflowBundlePath: bundlePath } : {}) });
const createdMs = performance.now();
const running = worker.run();
while (worker.getState() !== 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 1));
const report: WorkerStartReport = { importsDoneMs, connectedMs, createdMs, runningMs: performance.now() };
process.stdout.write(`${JSON.stringify(report)}\n`);

process.stdin.resume();
await new Promise((resolve) => process.stdin.once('end', resolve));
worker.shutdown();
await running;
await db.destroy();
await connection.close();
