import { NonRetryableError } from '../../sdk/errors.ts';

export interface DeployHook {
  /** Receives `POST { model, version, artifactUri }` as JSON after each promotion or rollback. */
  url: string;
  headers?: Record<string, string>;
  /** Default 30 s. */
  timeoutMs?: number;
}

export interface DeployPayload {
  model: string;
  version: number;
  artifactUri: string;
}

/** The deploy endpoint refused or failed; the task retries unless the refusal is final. */
export class DeployHookError extends Error {
  override readonly name = 'DeployHookError';
  constructor(
    readonly url: string,
    readonly status: number | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`deploy hook ${url} ${detail}`, options);
  }
}

// A 4xx other than these means the request itself is wrong: sending it again cannot help.
const RETRYABLE_CLIENT_STATUSES = new Set([408, 409, 425, 429]);

/**
 * POSTs the promoted version to a deploy webhook. The registry change is already committed,
 * so a retried task replays it (same idempotency key) and calls the hook again; the
 * `Idempotency-Key` header lets the receiver ignore the repeat.
 *
 * @example
 * await callDeployHook({ url: 'https://deploy.internal/models' }, { model: 'churn', version: 4, artifactUri }, { idempotencyKey: 'run-1:promote' });
 */
export async function callDeployHook(hook: DeployHook, payload: DeployPayload, options: { idempotencyKey: string; signal?: AbortSignal }): Promise<void> {
  const timeout = AbortSignal.timeout(hook.timeoutMs ?? 30_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': options.idempotencyKey, ...hook.headers },
      body: JSON.stringify(payload),
      signal,
    });
  } catch (error) {
    throw new DeployHookError(hook.url, null, `is unreachable (${(error as Error).message})`, { cause: error });
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const body = (await response.text().catch(() => '')).slice(0, 500);
  const error = new DeployHookError(hook.url, response.status, `answered ${response.status}${body ? `: ${body}` : ''}`);
  if (response.status >= 400 && response.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(response.status)) {
    throw new NonRetryableError(error.message, { cause: error });
  }
  throw error;
}
