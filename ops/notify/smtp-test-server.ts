import { simpleParser, type ParsedMail } from 'mailparser';
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** A real SMTP server for the integration tests; not part of the public API. */
export interface TestSmtpServer {
  host: string;
  port: number;
  /** Every message accepted so far, parsed, with its envelope. */
  received: ReceivedMail[];
  /** Every successful login, with the AUTH method the client chose. */
  logins: Array<{ method: string; user: string }>;
  close(): Promise<void>;
}

export interface ReceivedMail {
  mail: ParsedMail;
  raw: string;
  rcptTo: string[];
}

export interface TestSmtpOptions {
  user: string;
  password: string;
  authMethods?: string[];
  /** Replies for RCPT TO by address, e.g. `{ 'gone@example.com': 550 }`. */
  rcptReplies?: Record<string, number>;
}

export async function startTestSmtpServer(options: TestSmtpOptions): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const logins: Array<{ method: string; user: string }> = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: false,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN'],
    // Plain TCP on localhost: no STARTTLS (its built-in certificate is self-signed) and AUTH
    // allowed without TLS.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) {
        logins.push({ method: auth.method, user: auth.username ?? '' });
        callback(null, { user: auth.username });
      } else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const code = options.rcptReplies?.[address.address];
      if (code) callback(Object.assign(new Error(`Mailbox ${address.address} refused (${code})`), { responseCode: code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((mail) => {
            received.push({ mail, raw, rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address) });
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port: address.port,
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A localhost port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
