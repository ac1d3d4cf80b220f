import { DagNotScheduledError } from '../control/schedules.ts';
import { RunClosedError, RunControlError, RunNotFoundError } from '../control/runs.ts';
import {
  IdempotencyConflictError,
  InvalidModelInputError,
  InvalidTransitionError,
  ModelNotFoundError,
  ModelVersionNotFoundError,
  NoRollbackTargetError,
} from '../registry/errors.ts';

/** A page or API request named something that does not exist. */
export class UiNotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
    this.name = 'UiNotFoundError';
  }
}

/** Errors whose message is meant for the person who asked, with the HTTP status they map to. */
const USER_ERRORS: readonly [new (...args: never[]) => Error, 400 | 404 | 409][] = [
  [UiNotFoundError, 404],
  [RunNotFoundError, 404],
  [ModelNotFoundError, 404],
  [ModelVersionNotFoundError, 404],
  [DagNotScheduledError, 409],
  [RunClosedError, 409],
  [RunControlError, 409],
  [NoRollbackTargetError, 409],
  [InvalidTransitionError, 409],
  [IdempotencyConflictError, 409],
  [InvalidModelInputError, 400],
];

/** The status for an error a person can act on, or undefined for an internal failure (500, message kept in the server log). */
export function userErrorStatus(error: unknown): 400 | 404 | 409 | undefined {
  for (const [type, status] of USER_ERRORS) if (error instanceof type) return status;
  return undefined;
}
