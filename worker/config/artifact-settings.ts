import path from 'node:path';
import type { ArtifactSettings } from '../../artifacts/artifact-store.ts';
import { parseWeirEnv, type Env, type WeirEnv } from './schema.ts';

/**
 * The artifact store the configuration asks for: `WEIR_ARTIFACT_ROOT` (default
 * `<cwd>/.weir/artifacts`) and, for an `s3://` root, the endpoint (`WEIR_S3_ENDPOINT`, else
 * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`), the region (`WEIR_S3_REGION`, else `AWS_REGION`,
 * `AWS_DEFAULT_REGION`) and `WEIR_S3_FORCE_PATH_STYLE`. Credentials stay with the AWS SDK's
 * standard chain (`AWS_ACCESS_KEY_ID`, profiles, web identity...).
 *
 * @example
 * artifactSettingsOf(parseWeirEnv({ WEIR_ARTIFACT_ROOT: 's3://models/weir', WEIR_S3_ENDPOINT: 'http://127.0.0.1:9000' }))
 * // { root: 's3://models/weir', s3: { endpoint: 'http://127.0.0.1:9000' } }
 */
export function artifactSettingsOf(weir: WeirEnv, cwd = process.cwd()): ArtifactSettings {
  const root = weir.WEIR_ARTIFACT_ROOT ?? path.join(cwd, '.weir', 'artifacts');
  if (!root.startsWith('s3://')) return { root: path.resolve(cwd, root) };
  const endpoint = weir.WEIR_S3_ENDPOINT ?? weir.AWS_ENDPOINT_URL_S3 ?? weir.AWS_ENDPOINT_URL;
  const region = weir.WEIR_S3_REGION ?? weir.AWS_REGION ?? weir.AWS_DEFAULT_REGION;
  const forcePathStyle = weir.WEIR_S3_FORCE_PATH_STYLE;
  return {
    root,
    s3: {
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(region === undefined ? {} : { region }),
      ...(forcePathStyle === undefined ? {} : { forcePathStyle }),
    },
  };
}

/** `artifactSettingsOf` for a process that has only its environment (a child process, a script). */
export function artifactSettingsFromEnv(env: Env, cwd = process.cwd()): ArtifactSettings {
  return artifactSettingsOf(parseWeirEnv(env), cwd);
}
