import type { LogLevel } from './tables.ts';

export interface AttemptIdentity {
  dagId: string;
  runId: string;
  taskId: string;
  /** -1 for an unmapped task. */
  mapIndex: number;
  attempt: number;
}

/** `churn.train[3]#2`: the task (and mapped instance) and the attempt a line belongs to. */
export function attemptLabel(identity: Pick<AttemptIdentity, 'dagId' | 'taskId' | 'mapIndex' | 'attempt'>): string {
  const instance = identity.mapIndex >= 0 ? `[${identity.mapIndex}]` : '';
  return `${identity.dagId}.${identity.taskId}${instance}#${identity.attempt}`;
}

/**
 * The one line the worker's terminal shows for a log entry:
 * `churn.train#1 info epoch done loss=0.12`. Attributes follow as `key=value`, strings bare,
 * everything else as JSON.
 */
export function formatTerminalLine(identity: AttemptIdentity, level: LogLevel, message: string, attrs?: Record<string, unknown>): string {
  return `${attemptLabel(identity)} ${level} ${oneLine(message)}${formatAttrs(attrs)}`;
}

export function formatAttrs(attrs: Record<string, unknown> | undefined): string {
  if (!attrs) return '';
  const parts = Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? oneLine(value) : JSON.stringify(value)}`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}
