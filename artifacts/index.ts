import path from 'node:path';
import type { ArtifactStore } from './artifact-store.ts';
import { S3ArtifactStore } from './s3-store.ts';
import { FileArtifactStore } from './store.ts';

export type { ArtifactInfo, ArtifactStore } from './artifact-store.ts';
export { ArtifactNotFoundError, ArtifactPathError, normaliseKey, taskPrefix } from './artifact-store.ts';
export { FileArtifactStore } from './store.ts';
export { S3ArtifactStore, parseS3Root, type S3StoreSettings } from './s3-store.ts';

/** What selects and configures the artifact store; `artifactSettingsFromEnv` reads it from the environment. */
export interface ArtifactSettings {
  /** A folder, or `s3://bucket/prefix`. */
  root: string;
  s3?: { region?: string; endpoint?: string; forcePathStyle?: boolean };
}

/**
 * Reads `WEIR_ARTIFACT_ROOT` (default `<cwd>/.weir/artifacts`) and, for an `s3://` root,
 * `WEIR_S3_ENDPOINT` (else `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`), `WEIR_S3_REGION` (else
 * `AWS_REGION`, `AWS_DEFAULT_REGION`) and `WEIR_S3_FORCE_PATH_STYLE` (`true`/`1`). Credentials
 * come from the AWS SDK's standard chain (`AWS_ACCESS_KEY_ID`, profiles, web identity, ...).
 */
export function artifactSettingsFromEnv(env: Record<string, string | undefined>, cwd = process.cwd()): ArtifactSettings {
  const root = env.WEIR_ARTIFACT_ROOT?.trim() || path.join(cwd, '.weir', 'artifacts');
  if (!root.startsWith('s3://')) return { root: path.resolve(cwd, root) };
  const endpoint = env.WEIR_S3_ENDPOINT?.trim() || env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined;
  const region = env.WEIR_S3_REGION?.trim() || env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
  const pathStyle = env.WEIR_S3_FORCE_PATH_STYLE?.trim().toLowerCase();
  return {
    root,
    s3: {
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(region === undefined ? {} : { region }),
      ...(pathStyle === undefined || pathStyle === '' ? {} : { forcePathStyle: pathStyle === 'true' || pathStyle === '1' }),
    },
  };
}

/** The store for these settings: a local folder, or S3 for an `s3://` root. */
export function createArtifactStore(settings: ArtifactSettings): ArtifactStore {
  if (settings.root.startsWith('s3://')) return new S3ArtifactStore({ root: settings.root, ...settings.s3 });
  return new FileArtifactStore(settings.root);
}
export { withLocalCopy } from './local-copy.ts';
