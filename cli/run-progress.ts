import type { RunSnapshot } from '../plan/types.ts';
import type { CliIo } from './io.ts';
import { describeState, renderRunHeader, renderTaskTable } from './run-view.ts';

/** Receives every snapshot of a run while it is awaited. */
export interface RunProgressReporter {
  update(snapshot: RunSnapshot): void;
}

/** A table redrawn in place on a terminal; one line per change when output goes to a file or pipe. */
export function createProgressReporter(io: CliIo): RunProgressReporter {
  return io.isTTY ? new RedrawnTableReporter(io) : new ChangeLineReporter(io);
}

export class ChangeLineReporter implements RunProgressReporter {
  private readonly lastStates = new Map<string, string>();
  private lastStatus: string | undefined;

  constructor(
    private readonly io: Pick<CliIo, 'out'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  update(snapshot: RunSnapshot): void {
    const time = this.now().toISOString().slice(11, 19);
    for (const task of snapshot.tasks) {
      const state = describeState(task);
      if (this.lastStates.get(task.id) === state) continue;
      const firstSeenPending = !this.lastStates.has(task.id) && task.state === 'pending';
      this.lastStates.set(task.id, state);
      if (firstSeenPending) continue;
      const attempt = task.attempts > 1 ? ` (attempt ${task.attempts})` : '';
      const error = task.error && task.state === 'failed' ? `: ${task.error}` : '';
      this.io.out(`${time}  ${task.id}  ${state}${attempt}${error}`);
    }
    if (snapshot.status !== this.lastStatus) {
      this.lastStatus = snapshot.status;
      this.io.out(`${time}  run ${snapshot.runId}  ${snapshot.status}`);
    }
  }
}

class RedrawnTableReporter implements RunProgressReporter {
  private linesDrawn = 0;

  constructor(private readonly io: CliIo) {}

  update(snapshot: RunSnapshot): void {
    const lines = [...renderRunHeader(snapshot), '', ...renderTaskTable(snapshot.tasks)];
    // Move up over the previous drawing and clear it; the table only grows, so nothing flickers.
    const rewind = this.linesDrawn > 0 ? `\x1b[${this.linesDrawn}A\x1b[0J` : '';
    this.io.write(`${rewind}${lines.join('\n')}\n`);
    this.linesDrawn = lines.length;
  }
}
