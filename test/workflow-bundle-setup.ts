import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { prebundleWorkflows } from '../worker/workflow-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
  }
}

/** Bundles the interpreter once per test run; every test worker and the replayer load it. */
export default async function setup(project: TestProject): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-bundle-'));
  project.provide('workflowBundlePath', await prebundleWorkflows(path.join(dir, 'workflows.js')));
}
