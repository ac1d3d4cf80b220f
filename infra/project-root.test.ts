import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, weirHome } from './project-root.ts';

describe('projectRoot', () => {
  it("is the folder of weir's package.json", () => {
    const manifest = JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { name: string };
    expect(manifest.name).toBe('weir');
  });
});

describe('weirHome', () => {
  it('is .weir under the given folder', () => {
    expect(weirHome('/home/someone/ml')).toBe('/home/someone/ml/.weir');
  });
});
