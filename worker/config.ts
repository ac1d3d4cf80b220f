// The worker's settings live in config/, the one schema for every variable; kept here for existing imports.
export { ConfigError, poolsFromEnv, temporalSettingsFromEnv, workerSettingsFromEnv, type TemporalSettings, type WorkerSettings } from './config/index.ts';
