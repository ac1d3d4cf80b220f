const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Resolves on the first SIGINT or SIGTERM so the caller can stop in order. A second signal
 * means the person has given up waiting: exit at once.
 */
export function waitForShutdownSignal(onSecondSignal: () => void = () => process.exit(130)): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) {
        onSecondSignal();
        return;
      }
      received = true;
      resolve(signal);
    };
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, handler);
  });
}
