/**
 * A Weir worker in its own process, for tests that kill it with SIGKILL the way a machine
 * dies. Configured like `weir worker`: TEMPORAL_ADDRESS, DATABASE_URL, WEIR_TASK_QUEUE,
 * WEIR_DAGS_DIR, plus WEIR_WORKFLOW_BUNDLE for a prebuilt workflow bundle and
 * WEIR_TEST_MAX_CACHED_WORKFLOWS (0 spreads one run's tasks over every worker of the queue).
 */
import { createDb } from '../db/index.ts';
import { workerSettingsFromEnv } from '../worker/config.ts';
import { createWeirWorker } from '../worker/create-worker.ts';
import { connectWorker } from '../worker/temporal-connection.ts';

const settings = workerSettingsFromEnv(process.env);
const db = createDb(settings.databaseUrl);
const connection = await connectWorker(settings.temporal);
const { worker } = await createWeirWorker({
  connection,
  namespace: settings.temporal.namespace,
  taskQueue: settings.taskQueue,
  dagsDir: settings.dagsDir,
  db,
  ...(process.env.WEIR_WORKFLOW_BUNDLE ? { workflowBundlePath: process.env.WEIR_WORKFLOW_BUNDLE } : {}),
  ...(process.env.WEIR_TEST_MAX_CACHED_WORKFLOWS ? { maxCachedWorkflows: Number(process.env.WEIR_TEST_MAX_CACHED_WORKFLOWS) } : {}),
  log: () => {},
});
const running = worker.run();
process.stdout.write('READY\n');
await running;
