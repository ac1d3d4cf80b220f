/** Where Weir's web view is served unless WEIR_WEB_URL says otherwise (`weir ui`'s default). */
export const DEFAULT_WEB_URL = 'http://127.0.0.1:8080';

/** Temporal's user metadata of a workflow: a one-line summary and markdown details. */
export interface WorkflowUserMetadata {
  staticSummary: string;
  staticDetails: string;
}

function base(webUrl: string | undefined): string {
  return (webUrl ?? DEFAULT_WEB_URL).replace(/\/+$/, '');
}

/** The Weir run page of a run. */
export function weirRunUrl(webUrl: string | undefined, runId: string): string {
  return `${base(webUrl)}/runs/${encodeURIComponent(runId)}`;
}

/**
 * The metadata a run starts with, so the Temporal UI's workflow page links back to the Weir
 * run page (graph, grid, task logs).
 *
 * @example runUserMetadata(undefined, 'churn', 'churn-manual-1').staticDetails
 * // '[Open this run in Weir](http://127.0.0.1:8080/runs/churn-manual-1)'
 */
export function runUserMetadata(webUrl: string | undefined, dagId: string, runId: string): WorkflowUserMetadata {
  return { staticSummary: `Weir run of DAG ${dagId}`, staticDetails: `[Open this run in Weir](${weirRunUrl(webUrl, runId)})` };
}

/**
 * The metadata of a schedule's runs. A scheduled run's id is made by Temporal when it starts,
 * so the link goes to the DAG's page, which lists its runs.
 */
export function scheduledRunUserMetadata(webUrl: string | undefined, dagId: string): WorkflowUserMetadata {
  return { staticSummary: `Weir scheduled run of DAG ${dagId}`, staticDetails: `[Open DAG ${dagId} in Weir](${base(webUrl)}/dags/${encodeURIComponent(dagId)})` };
}
