import type { BaselineRecord } from './baseline-store.ts';
import type { DriftEvaluation } from './evaluate.ts';
import type { BaselineStats } from './types.ts';

/** The JSON report artifact: the evaluation plus where both sides came from. */
export interface DriftReport extends DriftEvaluation {
  createdAt: string;
  currentFile: string;
  baseline: Pick<BaselineRecord, 'id' | 'modelName' | 'modelVersion' | 'datasetPath' | 'datasetSha256'>;
  skipped: BaselineStats['skipped'];
}

export function buildDriftReport(evaluation: DriftEvaluation, baseline: BaselineRecord, currentFile: string, now: Date = new Date()): DriftReport {
  return {
    createdAt: now.toISOString(),
    currentFile,
    baseline: {
      id: baseline.id,
      modelName: baseline.modelName,
      modelVersion: baseline.modelVersion,
      datasetPath: baseline.datasetPath,
      datasetSha256: baseline.datasetSha256,
    },
    skipped: baseline.stats.skipped,
    ...evaluation,
  };
}
