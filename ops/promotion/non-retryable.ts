import { RegistryError } from '../../registry/errors.ts';
import { NonRetryableError } from '../../sdk/errors.ts';

/**
 * Registry errors describe bad input or bad state (a missing model, a corrupt artifact, a key
 * reused for something else): retrying changes nothing, so the task fails at once with the
 * registry's message. Anything else, such as a lost database connection, stays retryable.
 */
export function failFastOnRegistryError(error: unknown): never {
  if (error instanceof RegistryError) throw new NonRetryableError(error.message, { cause: error });
  throw error;
}
