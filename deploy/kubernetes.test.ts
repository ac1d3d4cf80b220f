import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

// The manifests are checked offline: every document against the Kubernetes JSON schemas in
// strict mode (unknown fields are errors) by the `kubernetes-validate` Python package, which
// ships the schemas, and then against what the worker itself expects.

const KUBERNETES_VERSION = '1.30.0';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestDir = join(repoRoot, 'deploy', 'kubernetes');
const manifestFiles = readdirSync(manifestDir).filter((name) => name.endsWith('.yaml')).map((name) => join(manifestDir, name));
const scratch = mkdtempSync(join(tmpdir(), 'weir-k8s-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Resource {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: Record<string, unknown>;
}

const resources: Resource[] = manifestFiles.flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((document) => document.toJS() as Resource));
const byKind = (kind: string, name: string) => {
  const found = resources.find((resource) => resource.kind === kind && resource.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found;
};

function kubernetesValidate(files: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise) => {
    execFile('python3', ['-m', 'kubernetes_validate', '--strict', '-k', KUBERNETES_VERSION, ...files], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && /No module named/.test(stderr)) throw new Error('kubernetes-validate is not installed: pip install kubernetes-validate (.ci/run does)');
      resolvePromise({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr });
    });
  });
}

describe('Kubernetes manifests', () => {
  it(`pass the Kubernetes ${KUBERNETES_VERSION} schemas in strict mode`, async () => {
    const result = await kubernetesValidate(manifestFiles);
    expect(result.output).not.toMatch(/ERROR|WARN/);
    expect(result.code).toBe(0);
    expect(result.output.match(/ passed for resource /g)?.length).toBe(resources.length);
  });

  it('would catch a misspelt field', async () => {
    const broken = join(scratch, 'broken.yaml');
    writeFileSync(broken, readFileSync(join(manifestDir, 'worker.yaml'), 'utf8').replace('readinessProbe:', 'readynessProbe:'));
    const result = await kubernetesValidate([broken]);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/readynessProbe/);
  });

  it('probe the port the worker serves its metrics on', () => {
    const config = byKind('ConfigMap', 'weir-config').data ?? {};
    const deployment = byKind('Deployment', 'weir-worker').spec as { template: { spec: { containers: { args: string[]; ports: { name: string; containerPort: number }[]; livenessProbe: { httpGet: { path: string; port: string } }; readinessProbe: { httpGet: { path: string; port: string } } }[] } } };
    const [worker] = deployment.template.spec.containers;
    expect(worker?.args).toEqual(['worker']);
    const metricsPort = worker?.ports.find((port) => port.name === worker.readinessProbe.httpGet.port);
    expect(String(metricsPort?.containerPort)).toBe(config.WEIR_METRICS_PORT);
    expect(worker?.livenessProbe.httpGet.path).toBe('/livez');
    expect(worker?.readinessProbe.httpGet.path).toBe('/readyz');
  });

  it('sync schedules once per deploy in a Job, not in every worker', () => {
    expect(byKind('ConfigMap', 'weir-config').data?.WEIR_SYNC_SCHEDULES).toBe('false');
    const job = byKind('Job', 'weir-schedules-sync').spec as { template: { spec: { containers: { args: string[] }[] } } };
    expect(job.template.spec.containers[0]?.args).toEqual(['schedules', 'sync']);
    const migrate = byKind('Job', 'weir-migrate').spec as { template: { spec: { containers: { args: string[] }[] } } };
    expect(migrate.template.spec.containers[0]?.args).toEqual(['db', 'migrate']);
  });

  it('only set variables the README documents', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const keys = [...Object.keys(byKind('ConfigMap', 'weir-config').data ?? {}), ...Object.keys(byKind('Secret', 'weir-secrets').stringData ?? {})];
    const undocumented = keys.filter((key) => !/^AWS_/.test(key) && !readme.includes(`\`${key}\``));
    expect(undocumented).toEqual([]);
  });
});
