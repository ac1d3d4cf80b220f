#!/usr/bin/env node
// Launches the TypeScript CLI under tsx, so that DAG files written in TypeScript can be
// imported at run time by the CLI and the worker it may start.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
