import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../artifacts/store.ts';
import { computeBaseline } from '../../ops/drift/baseline.ts';
import { STACK_LINE } from './outside.ts';
import { checkFaults } from './seed.ts';
import { validateAsATask } from './task-context.ts';

let dir: string;
let artifacts: FileArtifactStore;
let fileCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-fault-ragged-'));
  artifacts = new FileArtifactStore(path.join(dir, 'artifacts'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A field as a CSV writer would emit it: plain, or quoted with commas, quotes and line breaks inside. */
const plainField = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '1', '7', '.', '-', ' ', 'é', '日'), minLength: 1, maxLength: 6 }).filter((text) => text.trim() !== '');
const quotedField = fc
  .string({ unit: fc.constantFrom('a', '1', ',', '"', '\n', ' ', 'é'), minLength: 1, maxLength: 6 })
  .map((text) => ({ text: `"${text.replaceAll('"', '""')}"`, breaks: text.split('\n').length - 1 }));
const field = fc.oneof({ weight: 3, arbitrary: plainField.map((text) => ({ text, breaks: 0 })) }, { weight: 1, arbitrary: quotedField });

/**
 * A CSV whose header has `width` columns and one record (at `raggedAt`, 0 = the first data row)
 * with another count, or none when `raggedAt` is null; with blank lines, CRLF or LF, and with or
 * without a final line break. The expected line is counted here, from what was written.
 */
const raggedCsv = fc
  .record({
    width: fc.integer({ min: 1, max: 5 }),
    rows: fc.integer({ min: 1, max: 6 }),
    raggedAt: fc.option(fc.nat(), { nil: null, freq: 4 }),
    raggedWidth: fc.integer({ min: 1, max: 7 }),
    crlf: fc.boolean(),
    finalBreak: fc.boolean(),
    blankAfter: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    seed: fc.array(field, { minLength: 64, maxLength: 64 }),
  })
  .filter((spec) => spec.raggedWidth !== spec.width)
  .map((spec) => {
    const eol = spec.crlf ? '\r\n' : '\n';
    let fieldIndex = 0;
    const nextField = () => spec.seed[fieldIndex++ % spec.seed.length] as { text: string; breaks: number };
    const header = Array.from({ length: spec.width }, (_, i) => `col${i}`).join(',');
    const raggedRow = spec.raggedAt === null ? null : spec.raggedAt % spec.rows;
    let text = header;
    let line = 1;
    let expected: { line: number; fields: number } | null = null;
    for (let row = 0; row < spec.rows; row++) {
      text += eol;
      line++;
      if (spec.blankAfter[row % 8]) {
        text += eol;
        line++;
      }
      const count = row === raggedRow ? spec.raggedWidth : spec.width;
      const fields = Array.from({ length: count }, nextField);
      if (row === raggedRow) expected = { line, fields: count };
      text += fields.map((f) => f.text).join(',');
      line += fields.reduce((sum, f) => sum + f.breaks, 0);
    }
    if (spec.finalBreak) text += eol;
    return { text, width: spec.width, expected };
  });

describe('CSV files whose records do not all have the header’s field count', () => {
  it('validation and drift name the first ragged line and its count, in one line, and accept the file when none is', async () => {
    await checkFaults(
      fc.asyncProperty(raggedCsv, async ({ text, width, expected }) => {
        const file = path.join(dir, `f${fileCount++}.csv`);
        await writeFile(file, text);
        const what = `${JSON.stringify(text)} (expected ${JSON.stringify(expected)})`;
        const validation = await validateAsATask(file, artifacts, dir).then(
          (summary) => ({ summary, error: undefined }),
          (error: unknown) => ({ summary: undefined, error: error as Error }),
        );
        const baseline = await computeBaseline(file).then(
          () => undefined,
          (error: unknown) => error as Error,
        );
        if (expected === null) {
          expect(validation.error?.message, what).toBeUndefined();
          expect(validation.summary?.passed, what).toBe(true);
          expect(baseline?.message, what).toBeUndefined();
          return;
        }
        const message = `${file} line ${expected.line} has ${expected.fields} field${expected.fields === 1 ? '' : 's'}, but the header has ${width}`;
        // Each says what it was doing, then names the line.
        expect(validation.error?.message, `validation: ${what}`).toContain(message);
        expect(baseline?.message, `drift: ${what}`).toContain(message);
        for (const error of [validation.error, baseline]) {
          expect(error?.message, what).not.toContain('\n');
          expect(error?.message, what).not.toMatch(STACK_LINE);
        }
      }),
      100,
    );
  }, 90_000);
});
