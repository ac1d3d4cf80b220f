import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * DAG loading processes (sdk/load-child) this process started that are still alive: a load must
 * leave none behind. A killed child is reaped a moment later, so zombies do not count and there
 * is a short grace (2 s) before the answer.
 */
export async function liveLoadingChildren(): Promise<number[]> {
  for (let attempt = 0; ; attempt++) {
    const found: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (cmdline.includes('load-child') && state !== 'Z' && Number(parent) === process.pid) found.push(Number(entry));
    }
    if (found.length === 0 || attempt >= 20) return found;
    await sleep(100);
  }
}
