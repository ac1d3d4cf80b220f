/** One email as Weir composes it, before a transport adds From, Message-ID and Date. */
export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, such as `X-Weir-Dag`, so mail rules can sort alerts. */
  headers?: Record<string, string>;
}

/** What a transport reports back. Safe to return from a task: it never holds credentials. */
export interface SentMail {
  messageId: string;
  /** Recipients the server took (in outbox mode: all of them). */
  accepted: string[];
  /** Recipients the server refused while still taking the message for the others. */
  rejected: string[];
  /** Where the message went, without any password: `smtp://user@host:587` or `outbox <dir>`. */
  via: string;
  /** Outbox mode only: the `.eml` file written. */
  file?: string;
}

export interface SendOptions {
  /** Cancels the send, for example when the task is cancelled or times out. */
  signal?: AbortSignal;
}

/**
 * Sends composed emails. Each implementation turns its own failures into Weir's mail errors,
 * so callers see one vocabulary whatever the transport.
 */
export interface Mailer {
  readonly from: string;
  /** Where mail goes, for logs; never includes the password. */
  readonly via: string;
  send(mail: OutgoingMail, options?: SendOptions): Promise<SentMail>;
  close(): void;
}
