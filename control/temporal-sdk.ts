import { createRequire } from 'node:module';
import type * as TemporalClient from '@temporalio/client';
import type * as TemporalCommon from '@temporalio/common';

/*
 * Temporal's client packages are CommonJS. An ES `import` of one makes Node scan the source of
 * every module it re-exports for export names before loading them, which costs every CLI
 * command that talks to Temporal about a fifth of the packages' load time. `require` loads the
 * very same module objects without that scan, so classes and `instanceof` are unchanged.
 */
const require = createRequire(import.meta.url);

export const temporalClient = require('@temporalio/client') as typeof TemporalClient;
export const temporalCommon = require('@temporalio/common') as typeof TemporalCommon;
