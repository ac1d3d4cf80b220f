/**
 * Moves one big file through an artifact store in a fresh process and reports its peak RSS:
 * `large-object-child.ts <root> <source> <copy>`; S3 settings come from WEIR_S3_* / AWS_* env.
 * Prints one JSON line: peak RSS and the sha256 of the source and of the downloaded copy.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { artifactSettingsFromEnv } from '../worker/config/artifact-settings.ts';
import { createArtifactStore } from './index.ts';

const [root, source, copy] = process.argv.slice(2) as [string, string, string];
const store = createArtifactStore(artifactSettingsFromEnv({ ...process.env, WEIR_ARTIFACT_ROOT: root }));
const sha256 = async (file: string) => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};
const uri = await store.upload('models/big/model.bin', source);
const sizeBytes = (await store.stat(uri))?.sizeBytes ?? -1;
await store.download(uri, copy);
console.log(JSON.stringify({ uri, sizeBytes, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), source: await sha256(source), copy: await sha256(copy) }));
process.exit(0);
