/**
 * The child process that runs DAG files' code for `loadDagFolder`, so that a file that hangs,
 * exits or exhausts memory takes down only this process. It imports each compiled module in
 * the order given, checks it, and reports one message per file; the parent times each file
 * from the previous report.
 */
import { checkDag } from './compile.ts';
import type { Dag } from './dag.ts';
import { describeImportError } from './load-errors.ts';
import { importDagModule } from './load-import.ts';
import type { ChildRequest, ChildMessage, EvaluatedDagModule } from './load-protocol.ts';
import { checkParamsDefaults } from './params-defaults.ts';

// A DAG file's stray promise must not end the process and be blamed on the next file.
process.on('unhandledRejection', () => {});
process.on('uncaughtException', () => {});

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

process.once('message', (request: ChildRequest) => {
  void evaluateAll(request);
});
process.once('disconnect', () => process.exit(0));

async function evaluateAll(request: ChildRequest): Promise<void> {
  if (request.together) {
    // All imports in flight at once: Node loads and links them in parallel. The parent gives the
    // whole batch one time limit and, if this process dies, asks again one file at a time.
    const results = await Promise.all(request.modules.map((item) => evaluateOne(item)));
    await send({ type: 'batch', resultsJson: JSON.stringify(results) });
  } else {
    for (const [index, item] of request.modules.entries()) await send({ type: 'done', index, ...(await evaluateOne(item)) });
  }
  // DAG files may leave timers and sockets open; the reports are sent, so stop here.
  process.exit(0);
}

async function evaluateOne(item: ChildRequest['modules'][number]): Promise<EvaluatedDagModule> {
  let module: Record<string, unknown>;
  try {
    module = await importDagModule(item);
  } catch (error) {
    return { problems: [{ file: item.name, message: describeImportError(error) }] };
  }
  const { plan, problems } = checkDag(module.default, item.name);
  if (!plan) return { problems };
  const dag = module.default as Dag<unknown, Record<string, unknown>>;
  problems.push(...checkParamsDefaults(dag, item.name));
  return problems.length === 0 ? { plan, problems, takesParams: dag.config.params !== undefined } : { problems };
}

// What every DAG module imports, loaded before `ready`: the parent starts this process while it
// compiles, so this happens meanwhile, and no file's time limit pays for it. Named by a variable,
// as Weir's own package resolves only at run time (its `weir-source` sources in this repository).
const WEIR_PACKAGE = 'weir';
await import(WEIR_PACKAGE).catch(() => undefined);
await send({ type: 'ready' });
