import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EvaluationFailedError, localProcessEvaluation } from './local-runner.ts';

let dir: string;
let modelUri: string;

/** A stand-in evaluation script: what it does is chosen by the model file's content. */
const SCRIPT = `
const fs = require('node:fs');
const path = require('node:path');
const model = JSON.parse(fs.readFileSync(process.env.MODEL_PATH, 'utf8'));
if (model.mode === 'crash') { console.error('boom: holdout has no label column'); process.exit(3); }
if (model.mode === 'hang') { setInterval(() => {}, 1000); return; }
if (model.mode === 'silent') process.exit(0);
const out = model.mode === 'bad' ? '{"auc": "high"}' : JSON.stringify({ auc: model.auc, holdout_bytes: fs.statSync(process.env.HOLDOUT_PATH).size });
fs.writeFileSync(path.join(process.env.OUTPUT_DIR, 'metrics.json'), out);
`;

async function modelWith(content: object): Promise<string> {
  const file = path.join(dir, `model-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(content));
  return pathToFileURL(file).href;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'weir-eval-test-'));
  await writeFile(path.join(dir, 'evaluate.cjs'), SCRIPT);
  await writeFile(path.join(dir, 'holdout.csv'), 'x,y\n1,0\n');
  modelUri = await modelWith({ auc: 0.87 });
});

const run = () => localProcessEvaluation({ command: [process.execPath, path.join(dir, 'evaluate.cjs')] });

describe('localProcessEvaluation', () => {
  it("sends each line the evaluation prints to the task's log, stdout and stderr alike", async () => {
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const info = (message: string, attrs?: Record<string, unknown>) => void lines.push([message, attrs]);
    const log = { debug: info, info, warn: info, error: info };
    await expect(run()(await modelWith({ mode: 'crash' }), path.join(dir, 'holdout.csv'), { log, role: 'challenger' })).rejects.toThrow(EvaluationFailedError);
    expect(lines).toEqual([['boom: holdout has no label column', { stream: 'stderr', role: 'challenger' }]]);
  });

  it('passes MODEL_PATH, HOLDOUT_PATH and OUTPUT_DIR and reads OUTPUT_DIR/metrics.json', async () => {
    await expect(run()(modelUri, path.join(dir, 'holdout.csv'))).resolves.toEqual({ auc: 0.87, holdout_bytes: 8 });
  });

  it('accepts a file:// holdout URI', async () => {
    await expect(run()(modelUri, pathToFileURL(path.join(dir, 'holdout.csv')).href)).resolves.toMatchObject({ auc: 0.87 });
  });

  it('reports a failing command with its exit code and the tail of stderr', async () => {
    const error = await run()(await modelWith({ mode: 'crash' }), path.join(dir, 'holdout.csv')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EvaluationFailedError);
    expect(error).toMatchObject({ exitCode: 3, stderrTail: 'boom: holdout has no label column' });
    expect((error as Error).message).toMatch(/exited with code 3; stderr: boom/);
  });

  it('reports a command that wrote no metrics, or metrics that are not numbers', async () => {
    await expect(run()(await modelWith({ mode: 'silent' }), path.join(dir, 'holdout.csv'))).rejects.toThrow(/wrote no \$OUTPUT_DIR\/metrics\.json/);
    await expect(run()(await modelWith({ mode: 'bad' }), path.join(dir, 'holdout.csv'))).rejects.toThrow(/metric "auc" = "high", not a finite number/);
  });

  it('stops the process when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = run()(await modelWith({ mode: 'hang' }), path.join(dir, 'holdout.csv'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
