import { runDag } from './run-dag.ts';

export { runDag, runStateQuery, taskOutputsQuery, approveUpdate, clearUpdate } from './run-dag.ts';

/** Default workflow: serves every workflow type, so the type names the DAG to run. */
export default runDag;
