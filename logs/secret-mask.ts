/** What a masked value prints as, everywhere: logs, outputs, errors, run records, emails. */
export const MASKED = '***';

/**
 * Shorter values are not masked: a two-letter "secret" would blank out ordinary words in every
 * log line. Airflow draws the same line.
 */
export const MIN_MASKED_LENGTH = 4;

/**
 * Replaces every known secret value with `***` in text, JSON values and errors. One mask is built
 * per task attempt from the secrets the worker handed to that task, and everything the attempt
 * sends out of the worker passes through it.
 *
 * Each secret is matched in the forms it takes on its way into a message: as typed,
 * percent-encoded (URLs), base64 (HTTP basic and SMTP AUTH) and JSON-escaped.
 *
 * @example
 * const mask = new SecretMask(['hunter22']);
 * mask.text('token=hunter22');          // 'token=***'
 * mask.value({ echo: 'hunter22' });     // { echo: '***' }
 */
export class SecretMask {
  readonly #forms: string[];

  constructor(values: Iterable<string>) {
    const forms = new Set<string>();
    for (const value of values) {
      // A multi-line secret (a PEM key, a JSON key file) that a job prints reaches the log one
      // line at a time, so each of its lines is masked on its own as well.
      const lines = value.includes('\n') ? value.split(/\r?\n/) : [];
      for (const part of [value, ...lines]) {
        if (part.trim().length < MIN_MASKED_LENGTH) continue;
        forms.add(part);
        forms.add(encodeURIComponent(part));
        forms.add(Buffer.from(part).toString('base64'));
        forms.add(JSON.stringify(part).slice(1, -1));
      }
    }
    // Longest first, so a secret that contains a shorter one is masked whole.
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }

  /** True when there is nothing to mask; callers may skip work. */
  get empty(): boolean {
    return this.#forms.length === 0;
  }

  text(text: string): string {
    let result = text;
    for (const form of this.#forms) if (result.includes(form)) result = result.split(form).join(MASKED);
    return result;
  }

  /** A copy of a JSON-like value with every string (and object key) masked. */
  value<T>(value: T): T {
    if (this.empty) return value;
    return this.#walk(value) as T;
  }

  /**
   * An Error that says the same with secrets masked: name, message, stack and causes. The stack
   * matters because Temporal stores a failure's stack trace in history.
   */
  error(error: unknown): Error {
    const source = error instanceof Error ? error : new Error(String(error));
    const masked = new Error(this.text(source.message));
    masked.name = source.name;
    masked.stack = source.stack === undefined ? undefined : this.text(source.stack);
    if (source.cause !== undefined) masked.cause = this.error(source.cause);
    return masked;
  }

  #walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.#walk(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.#walk(item)]));
    }
    return value;
  }
}

/** The mask of a task with no secrets: changes nothing. */
export const NO_SECRETS = new SecretMask([]);
