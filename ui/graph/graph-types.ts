import type { TaskKind, TriggerRule } from '../../plan/types.ts';

/** One task placed on the canvas, top-left corner and size in SVG units. */
export interface PlacedTask {
  id: string;
  kind: TaskKind;
  triggerRule: TriggerRule;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One dependency drawn as a polyline from the upstream task to the downstream one. */
export interface PlacedEdge {
  from: string;
  to: string;
  points: [number, number][];
}

export interface GraphLayout {
  width: number;
  height: number;
  tasks: PlacedTask[];
  edges: PlacedEdge[];
}
