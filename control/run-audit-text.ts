import type { ActorChannel } from './run-actor.ts';
import type { RunAction, RunTrigger } from './run-history.ts';

const CHANNELS: Record<ActorChannel, string> = { ui: 'web view', cli: 'CLI' };

/** A name with where it acted from: `ada (web view)`. */
export function actorText(actor: string | null, channel?: ActorChannel): string {
  const name = actor ?? 'unknown';
  return channel ? `${name} (${CHANNELS[channel]})` : name;
}

/**
 * Who started a run, in one phrase.
 *
 * @example triggerText({ actor: 'ada', channel: 'cli', identity: 'ada via weir cli', at: null }) // 'triggered by ada (CLI)'
 */
export function triggerText(trigger: RunTrigger, rerunOf?: { runId: string; taskId?: string }): string {
  // Started by a client that names no Weir actor (the Temporal UI, `temporal workflow start`, an SDK): its identity is all there is.
  const clientOnly = trigger.actor !== null && trigger.actor === trigger.identity && !trigger.channel;
  const by = trigger.schedule
    ? `by schedule ${trigger.schedule}`
    : clientOnly
      ? `by Temporal client ${trigger.actor}`
      : trigger.actor
        ? `by ${actorText(trigger.actor, trigger.channel)}`
        : 'by an unknown client';
  if (rerunOf) return `started ${by} as a rerun of ${rerunOf.runId}${rerunOf.taskId ? ` (cleared ${rerunOf.taskId})` : ''}`;
  return `triggered ${by}`;
}

/** What one action did, without the actor: `cleared task fragile (reset fragile, load)`. */
export function actionText(action: RunAction): string {
  const task = action.taskId ? ` ${action.taskId}` : '';
  const detail = action.detail ? ` (${action.detail})` : '';
  let text: string;
  switch (action.action) {
    case 'clear':
      text = `cleared task${task}${detail}`;
      break;
    case 'rerun':
      text = `cleared task${task} after the run closed: started rerun ${action.rerunId ?? ''}`.trimEnd();
      break;
    case 'approve':
      text = `approved${task}${action.detail ? `: "${action.detail}"` : ''}`;
      break;
    case 'reject':
      text = `rejected${task}${action.detail ? `: "${action.detail}"` : ''}`;
      break;
    case 'cancel':
      text = 'asked to cancel the run';
      break;
    case 'terminate':
      text = `terminated the run${detail}`;
      break;
    case 'signal':
      text = `sent signal ${action.detail ?? ''}`.trimEnd();
      break;
    default:
      text = `sent update ${action.detail ?? ''}`.trimEnd();
  }
  return action.refused ? `${text}; the run refused: ${action.refused}` : text;
}
