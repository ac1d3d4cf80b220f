import type { ArtifactSettings, ArtifactStore } from './artifact-store.ts';
import { S3ArtifactStore } from './s3-store.ts';
import { FileArtifactStore } from './store.ts';

export type { ArtifactInfo, ArtifactSettings, ArtifactStore } from './artifact-store.ts';
export { ArtifactNotFoundError, ArtifactPathError, normaliseKey, taskPrefix } from './artifact-store.ts';
export { FileArtifactStore } from './store.ts';
export { S3ArtifactStore, parseS3Root, type S3StoreSettings } from './s3-store.ts';

/** The store for these settings: a local folder, or S3 for an `s3://` root. */
export function createArtifactStore(settings: ArtifactSettings): ArtifactStore {
  if (settings.root.startsWith('s3://')) return new S3ArtifactStore({ root: settings.root, ...settings.s3 });
  return new FileArtifactStore(settings.root);
}
export { withLocalCopy } from './local-copy.ts';
