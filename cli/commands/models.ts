import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { getModel, listModels, modelHistory, promoteModel, rollbackModel, type ModelTransition, type StageChange } from '../../registry/index.ts';
import { formatTime, printJson, renderTable } from '../format.ts';
import type { ContextFor } from '../program.ts';

function parseVersion(text: string): number {
  const version = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(version) || version < 1) throw new InvalidArgumentError(`"${text}" is not a version number (1, 2, ...)`);
  return version;
}

function formatMetrics(metrics: Record<string, number>): string {
  const entries = Object.entries(metrics);
  return entries.length === 0 ? '-' : entries.map(([key, value]) => `${key}=${Number(value.toPrecision(6))}`).join(' ');
}

export function transitionToJson(step: ModelTransition) {
  return { id: step.id, version: step.version, from: step.fromStage, to: step.toStage, action: step.action, actor: step.actor, reason: step.reason, at: step.at.toISOString() };
}

function describeChange(verb: string, change: StageChange): string {
  const archived = change.previousVersion === null ? '' : ` (archived v${change.previousVersion})`;
  return `${verb} ${change.name} v${change.version} to production${archived}`;
}

export function registerModelsCommands(program: Command, contextFor: ContextFor): void {
  const models = program.command('models').description('the model registry: versions, stages, promotion and rollback');

  models
    .command('list')
    .description('registered models with their production and latest versions')
    .option('--json', 'print JSON: [{ name, productionVersion, latestVersion, versions }]')
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const found = await listModels(await context.database());
      if (options.json) {
        return printJson(
          context.io.out,
          found.map(({ name, productionVersion, latestVersion, versions }) => ({ name, productionVersion, latestVersion, versions })),
        );
      }
      if (found.length === 0) return context.io.out('no models registered');
      const rows = found.map((model) => [model.name, model.productionVersion === null ? '-' : `v${model.productionVersion}`, model.latestVersion === null ? '-' : `v${model.latestVersion}`, String(model.versions)]);
      for (const line of renderTable(['NAME', 'PRODUCTION', 'LATEST', 'VERSIONS'], rows)) context.io.out(line);
    });

  models
    .command('show')
    .description('every version of a model with its stage, metrics and lineage')
    .argument('<name>', 'model name')
    .option('--json', 'print JSON: { name, versions: [{ version, stage, metrics, artifactUri, sha256, createdAt, lineage }] }')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const model = await getModel(await context.database(), name);
      if (options.json) {
        const versions = model.versions.map((v) => ({ version: v.version, stage: v.stage, metrics: v.metrics, artifactUri: v.artifactUri, sha256: v.sha256, createdAt: v.createdAt.toISOString(), lineage: v.lineage }));
        return printJson(context.io.out, { name: model.name, versions });
      }
      const rows = model.versions.map((v) => [`v${v.version}`, v.stage, formatTime(v.createdAt.toISOString()), v.sha256.slice(0, 12), v.lineage.runId, formatMetrics(v.metrics)]);
      for (const line of renderTable(['VERSION', 'STAGE', 'CREATED', 'SHA256', 'RUN', 'METRICS'], rows)) context.io.out(line);
    });

  models
    .command('history')
    .description('the audit trail of a model, oldest first')
    .argument('<name>', 'model name')
    .option('--json', 'print JSON: [{ id, version, from, to, action, actor, reason, at }]')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const trail = await modelHistory(await context.database(), name);
      if (options.json) return printJson(context.io.out, trail.map(transitionToJson));
      const rows = trail.map((step) => [formatTime(step.at.toISOString()), `v${step.version}`, step.fromStage ?? '-', step.toStage, step.action, step.actor, step.reason ?? '']);
      for (const line of renderTable(['AT', 'VERSION', 'FROM', 'TO', 'ACTION', 'ACTOR', 'REASON'], rows)) context.io.out(line);
    });

  models
    .command('promote')
    .description('put a version in production, archiving the current production version')
    .argument('<name>', 'model name')
    .argument('<version>', 'version to promote', parseVersion)
    .option('--reason <text>', 'why, for the audit trail')
    .option('--json', 'print JSON: { name, version, previousVersion }')
    .action(async (name: string, version: number, options: { reason?: string; json?: boolean }, command: Command) => {
      const context = contextFor(command);
      // Each invocation is its own change; the key only guards against a double commit inside it.
      const change = await promoteModel(await context.database(), { name, version, actor: context.actor, reason: options.reason, idempotencyKey: `cli:${randomUUID()}` });
      if (options.json) return printJson(context.io.out, { name: change.name, version: change.version, previousVersion: change.previousVersion });
      context.io.out(describeChange('promoted', change));
    });

  models
    .command('rollback')
    .description('restore the version that served before the current production version')
    .argument('<name>', 'model name')
    .option('--to <version>', 'restore this version instead', parseVersion)
    .option('--reason <text>', 'why, for the audit trail')
    .option('--json', 'print JSON: { name, version, previousVersion }')
    .action(async (name: string, options: { to?: number; reason?: string; json?: boolean }, command: Command) => {
      const context = contextFor(command);
      const change = await rollbackModel(await context.database(), { name, to: options.to, actor: context.actor, reason: options.reason });
      if (options.json) return printJson(context.io.out, { name: change.name, version: change.version, previousVersion: change.previousVersion });
      context.io.out(describeChange('rolled back', change));
    });
}
