import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DCLinter } from 'dclint';
import { parseDocument } from 'yaml';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

// docker-compose.yml is checked the way `docker compose config` would check it, but
// offline and without a Docker engine: YAML with merge keys, then variable
// interpolation, then the official Compose Specification JSON schema (the copy that
// the dclint package ships), then the cross-references the schema cannot express.
// dclint's own linter runs as a second, independent validator.

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const composePath = join(repoRoot, 'docker-compose.yml');
const composeText = readFileSync(composePath, 'utf8');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  ports?: (string | number | { target: number | string; published?: number | string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  deploy?: { replicas?: number | string };
  restart?: string;
}

interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

class ComposeInterpolationError extends Error {
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(`${message} in ${JSON.stringify(template)}`);
    this.name = 'ComposeInterpolationError';
  }
}

interface InterpolationResult {
  value: string;
  /** Variables that were unset and had no default: compose would substitute "". */
  missing: string[];
}

/**
 * Substitutes variables the way Compose does: `$$` is a literal `$`, and `$VAR`,
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
 * `${VAR:+replacement}` and `${VAR+replacement}` read from `env`.
 */
function interpolate(template: string, env: Record<string, string | undefined>): InterpolationResult {
  const missing: string[] = [];
  const pattern = /\$(?:(\$)|([A-Za-z_][A-Za-z0-9_]*)|\{([^}]*)\}|)/g;
  const value = template.replace(pattern, (match, escaped?: string, named?: string, braced?: string) => {
    if (escaped) return '$';
    if (named) {
      const found = env[named];
      if (found === undefined) missing.push(named);
      return found ?? '';
    }
    if (braced === undefined) throw new ComposeInterpolationError(template, `invalid template ${JSON.stringify(match)}`);
    const parts = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s.exec(braced);
    if (!parts) throw new ComposeInterpolationError(template, `invalid variable \${${braced}}`);
    const [, name = '', operator, argument = ''] = parts;
    const raw = env[name];
    const unsetOrEmpty = raw === undefined || raw === '';
    switch (operator) {
      case undefined:
        if (raw === undefined) missing.push(name);
        return raw ?? '';
      case ':-':
        return unsetOrEmpty ? argument : raw;
      case '-':
        return raw ?? argument;
      case ':?':
      case '?':
        if (operator === ':?' ? unsetOrEmpty : raw === undefined) {
          throw new ComposeInterpolationError(template, `required variable ${name} is missing: ${argument}`);
        }
        return raw ?? '';
      case ':+':
        return unsetOrEmpty ? '' : argument;
      default:
        return raw === undefined ? '' : argument;
    }
  });
  return { value, missing };
}

/** Interpolates every string value (never keys), as Compose does before validating. */
function interpolateTree(node: Json, env: Record<string, string | undefined>, missing: string[]): Json {
  if (typeof node === 'string') {
    const result = interpolate(node, env);
    missing.push(...result.missing);
    return result.value;
  }
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, env, missing));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateTree(value, env, missing)]));
  }
  return node;
}

function loadComposeSchema(): ValidateFunction {
  const require = createRequire(import.meta.url);
  const schemaPath = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as JsonObject;
  // The file names the draft-07 meta-schema by an https URI that Ajv does not know.
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  return ajv.compile(schema);
}

const validateComposeSchema = loadComposeSchema();

function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty?: string }).additionalProperty;
    return `${where}: unknown property ${JSON.stringify(extra)}`;
  }
  return `${where}: ${error.message ?? error.keyword}`;
}

function asArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function dependenciesOf(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on;
  if (!dependsOn) return {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, spec]) => [name, spec.condition]));
}

function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment;
  if (!environment) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const equals = entry.indexOf('=');
        return equals === -1 ? [entry, ''] : [entry.slice(0, equals), entry.slice(equals + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

interface PublishedPort {
  hostIp: string | undefined;
  published: number;
  target: number;
}

function publishedPortsOf(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).flatMap((port): PublishedPort[] => {
    if (typeof port === 'object') {
      return port.published === undefined ? [] : [{ hostIp: undefined, published: Number(port.published), target: Number(port.target) }];
    }
    const fields = String(port).replace(/\/(tcp|udp)$/, '').split(':');
    if (fields.length < 2) return [];
    const target = fields.at(-1);
    const published = fields.at(-2);
    const hostIp = fields.length > 2 ? fields.slice(0, -2).join(':') : undefined;
    return [{ hostIp, published: Number(published), target: Number(target) }];
  });
}

function namedVolumesOf(service: ComposeService): string[] {
  return (service.volumes ?? []).flatMap((volume) => {
    const source = typeof volume === 'string' ? (volume.split(':').length > 1 ? volume.split(':')[0] : undefined) : volume.type === 'volume' || volume.type === undefined ? volume.source : undefined;
    // Paths (./x, /x, ~/x) are bind mounts; a bare name is a named volume.
    return source && !/^[./~]/.test(source) ? [source] : [];
  });
}

/** What `docker compose config` would refuse, or what would break at `up`, beyond the schema. */
function referenceProblems(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const services = compose.services;
  for (const [name, service] of Object.entries(services)) {
    for (const [dependency, condition] of Object.entries(dependenciesOf(service))) {
      const target = services[dependency];
      if (!target) {
        problems.push(`service ${name} depends on undefined service ${dependency}`);
      } else if (condition === 'service_healthy' && (!target.healthcheck?.test || target.healthcheck.disable)) {
        problems.push(`service ${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
      }
    }
    for (const volume of namedVolumesOf(service)) {
      if (!compose.volumes || !(volume in compose.volumes)) problems.push(`service ${name} uses undeclared volume ${volume}`);
    }
    if (!service.image && !service.build) problems.push(`service ${name} has neither image nor build`);
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (done.has(name) || !services[name]) return;
    if (visiting.has(name)) {
      problems.push(`dependency cycle: ${[...path, name].join(' -> ')}`);
      return;
    }
    visiting.add(name);
    for (const dependency of Object.keys(dependenciesOf(services[name]))) visit(dependency, [...path, name]);
    visiting.delete(name);
    done.add(name);
  };
  for (const name of Object.keys(services)) visit(name, []);
  const owners = new Map<number, string>();
  for (const [name, service] of Object.entries(services)) {
    for (const { published } of publishedPortsOf(service)) {
      const owner = owners.get(published);
      if (owner) problems.push(`host port ${published} is published by both ${owner} and ${name}`);
      owners.set(published, name);
    }
  }
  return problems;
}

interface CheckedCompose {
  compose: ComposeFile;
  problems: string[];
  missingVariables: string[];
}

/** Parses, interpolates and validates a compose file; lists every problem found. */
function checkCompose(text: string, env: Record<string, string | undefined> = {}): CheckedCompose {
  const document = parseDocument(text, { merge: true, uniqueKeys: true });
  const yamlProblems = [...document.errors, ...document.warnings].map((error) => `yaml: ${error.message}`);
  if (document.errors.length > 0) return { compose: { services: {} }, problems: yamlProblems, missingVariables: [] };
  const missingVariables: string[] = [];
  const interpolated = interpolateTree(document.toJS() as Json, env, missingVariables);
  const problems = [...yamlProblems];
  if (!validateComposeSchema(interpolated)) {
    problems.push(...new Set((validateComposeSchema.errors ?? []).map((error) => `schema: ${describeSchemaError(error)}`)));
    return { compose: { services: {} }, problems, missingVariables };
  }
  const compose = interpolated as unknown as ComposeFile;
  problems.push(...referenceProblems(compose).map((problem) => `reference: ${problem}`));
  return { compose, problems, missingVariables };
}

/** Applies `edit` to the parsed file and returns the changed text, comments and anchors kept. */
function editedCompose(edit: (document: ReturnType<typeof parseDocument>) => void): string {
  const document = parseDocument(composeText, { merge: true });
  edit(document);
  return document.toString();
}

const scratchDirs: string[] = [];
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

type LintMessage = ReturnType<DCLinter['lintFiles']>[number]['messages'][number];

/** Writes `text` where dclint can read it and returns its lint messages. */
function lintWithDclint(text: string): { errors: string[]; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'weir-compose-'));
  scratchDirs.push(dir);
  const file = join(dir, 'docker-compose.yml');
  writeFileSync(file, text);
  const linter = new DCLinter({
    quiet: true,
    debug: false,
    exclude: [],
    // Rules that catch mistakes; dclint's ordering and quoting style rules are off.
    // A rule missing from this list would run at its default level, so all are named.
    rules: {
      'no-build-and-image': 0,
      'no-duplicate-container-names': 2,
      'no-duplicate-exported-ports': 2,
      'no-quotes-in-volumes': 0,
      'no-unbound-port-interfaces': 0,
      'no-version-field': 2,
      'require-project-name-field': 2,
      'require-quotes-in-ports': [2, { quoteType: 'double' }],
      'service-container-name-regex': 2,
      'service-dependencies-alphabetical-order': 0,
      'service-image-require-explicit-tag': 2,
      'service-keys-order': 0,
      'service-ports-alphabetical-order': 0,
      'services-alphabetical-order': 0,
      'top-level-properties-order': 0,
    },
  });
  const [result] = linter.lintFiles([file], false);
  const messages: LintMessage[] = result?.messages ?? [];
  const format = (message: LintMessage): string => `${message.rule} (line ${message.line}): ${message.message}`;
  return {
    errors: messages.filter((message) => message.type === 'error').map(format),
    warnings: messages.filter((message) => message.type === 'warning').map(format),
  };
}

const checked = checkCompose(composeText);
const { services } = checked.compose;

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${JSON.stringify(name)}`);
  return found;
}

function scriptOf(name: string): string {
  const entry = service(name);
  return [...asArray(entry.entrypoint), ...asArray(entry.command)].join(' ');
}

describe('docker-compose.yml against the Compose Specification', () => {
  it('parses, interpolates and validates with no problems', () => {
    expect(checked.problems).toEqual([]);
    expect(Object.keys(services).length).toBeGreaterThan(0);
  });

  it('starts with no .env file: every variable has a default', () => {
    expect(checked.missingVariables).toEqual([]);
  });

  it('takes overrides from the environment', () => {
    const overridden = checkCompose(composeText, { WEIR_DB_PASSWORD: 's3cret', TEMPORAL_VERSION: '1.29.1' });
    expect(overridden.problems).toEqual([]);
    expect(environmentOf(overridden.compose.services['weir-db'] ?? {}).POSTGRES_PASSWORD).toBe('s3cret');
    expect(overridden.compose.services.temporal?.image).toBe('temporalio/auto-setup:1.29.1');
  });

  it("passes dclint's linter, a second validator", () => {
    expect(lintWithDclint(composeText)).toEqual({ errors: [], warnings: [] });
  });

  const brokenCopies: { name: string; text: () => string; problem: string }[] = [
    {
      name: 'an unknown top-level key',
      text: () => `${composeText}\nservces:\n  extra:\n    image: busybox:1.36\n`,
      problem: 'schema: /: unknown property "servces"',
    },
    {
      name: 'ports given as a number',
      text: () => editedCompose((document) => document.setIn(['services', 'temporal-ui', 'ports'], 123)),
      problem: 'schema: /services/temporal-ui/ports: must be array',
    },
    {
      name: 'a misspelt service key',
      text: () => editedCompose((document) => document.setIn(['services', 'worker', 'depend_on'], ['weir-db'])),
      problem: 'schema: /services/worker: unknown property "depend_on"',
    },
    {
      name: 'an unknown depends_on condition',
      text: () =>
        editedCompose((document) => document.setIn(['services', 'worker', 'depends_on', 'weir-migrate', 'condition'], 'service_done')),
      problem: 'schema: /services/worker/depends_on/weir-migrate/condition: must be equal to one of the allowed values',
    },
    {
      name: 'a healthcheck interval without a unit',
      text: () => editedCompose((document) => document.setIn(['services', 'weir-db', 'healthcheck', 'interval'], 5)),
      problem: 'schema: /services/weir-db/healthcheck/interval: must be string',
    },
    {
      name: 'a dependency on a service that does not exist',
      text: () =>
        editedCompose((document) => document.setIn(['services', 'worker', 'depends_on', 'redis'], { condition: 'service_started' })),
      problem: 'reference: service worker depends on undefined service redis',
    },
    {
      name: 'waiting for health of a service without a healthcheck',
      text: () => editedCompose((document) => document.deleteIn(['services', 'mailpit', 'healthcheck'])),
      problem: 'reference: service worker waits for mailpit to be healthy, but mailpit has no healthcheck',
    },
    {
      name: 'an undeclared named volume',
      text: () => editedCompose((document) => document.deleteIn(['volumes', 'weir-db-data'])),
      problem: 'reference: service weir-db uses undeclared volume weir-db-data',
    },
    {
      name: 'a dependency cycle',
      text: () =>
        editedCompose((document) => document.setIn(['services', 'weir-db', 'depends_on'], { worker: { condition: 'service_started' } })),
      problem: 'reference: dependency cycle: ',
    },
    {
      name: 'a duplicate key',
      text: () => composeText.replace('\nvolumes:\n', '\nvolumes:\n  weir-db-data:\n'),
      problem: 'yaml: Map keys must be unique',
    },
  ];

  it.each(brokenCopies)('rejects a copy with $name', ({ text, problem }) => {
    const { problems } = checkCompose(text());
    expect(problems.some((found) => found.startsWith(problem)), `expected "${problem}" among ${JSON.stringify(problems)}`).toBe(true);
  });

  it('rejects an unescaped $ in a command, which compose would swallow', () => {
    const text = composeText.replace('"$$attribute"', '"$attribute"');
    expect(text).not.toBe(composeText);
    expect(checkCompose(text).missingVariables).toContain('attribute');
  });

  it('dclint rejects a broken copy too', () => {
    const broken = editedCompose((document) => document.setIn(['services', 'temporal-ui', 'ports'], 123));
    expect(lintWithDclint(broken).errors.join('\n')).toMatch(/invalid-schema/);
  });
});

describe('the Weir stack in docker-compose.yml', () => {
  // Looked up inside each test, so a file that fails to load fails the tests, not collection.
  let worker: ComposeService;
  let workerEnv: Record<string, string>;
  beforeEach(() => {
    worker = service('worker');
    workerEnv = environmentOf(worker);
  });

  it('builds the worker from the Dockerfile and runs two replicas', () => {
    const build = worker.build;
    const context = typeof build === 'string' ? build : build?.context;
    const dockerfile = typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
    expect(context).toBe('.');
    expect(existsSync(join(repoRoot, context ?? '', dockerfile))).toBe(true);
    expect(Number(worker.deploy?.replicas)).toBe(2);
    expect(publishedPortsOf(worker)).toEqual([]); // replicas cannot share a host port
  });

  it('runs migrations once, with the worker image, before any worker starts', () => {
    const migrate = service('weir-migrate');
    expect(asArray(migrate.command).join(' ')).toBe('db migrate');
    expect(migrate.image).toBe(worker.image);
    expect(migrate.restart).toBe('no');
    expect(environmentOf(migrate).DATABASE_URL).toBe(workerEnv.DATABASE_URL);
    expect(dependenciesOf(migrate)['weir-db']).toBe('service_healthy');
    expect(dependenciesOf(worker)['weir-migrate']).toBe('service_completed_successfully');
  });

  it('points DATABASE_URL at weir-db with its credentials', () => {
    const url = new URL(workerEnv.DATABASE_URL ?? '');
    const db = environmentOf(service('weir-db'));
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('weir-db');
    expect(url.port).toBe('5432');
    expect(decodeURIComponent(url.username)).toBe(db.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(db.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${db.POSTGRES_DB}`);
    expect(service('weir-db').image).toMatch(/^postgres:/);
  });

  it('connects the worker to Temporal and waits until it is healthy', () => {
    expect(workerEnv.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(workerEnv.TEMPORAL_NAMESPACE).toBe('default');
    expect(dependenciesOf(worker).temporal).toBe('service_healthy');
    expect(workerEnv.WEIR_DAGS_DIR).toBe('/app/dags');
  });

  it('sends mail to the SMTP catcher', () => {
    const smtp = new URL(workerEnv.SMTP_URL ?? '');
    expect(smtp.protocol).toBe('smtp:');
    expect(smtp.hostname).toBe('mailpit');
    expect(smtp.port).toBe('1025');
    const mailpit = service('mailpit');
    expect(mailpit.image).toMatch(/^axllent\/mailpit:/);
    expect(publishedPortsOf(mailpit)).toContainEqual({ hostIp: undefined, published: 8025, target: 8025 });
  });

  it('registers WeirDagId and WeirRunType as Keyword search attributes before workers start', () => {
    const setup = service('temporal-search-attributes');
    const script = scriptOf('temporal-search-attributes');
    expect(setup.image).toMatch(/^temporalio\/admin-tools:/);
    expect(script).toContain('temporal operator search-attribute create');
    expect(script).toMatch(/for attribute in WeirDagId WeirRunType; do/);
    expect(script).toContain('--name "$attribute" --type Keyword');
    expect(environmentOf(setup).TEMPORAL_ADDRESS).toBe(workerEnv.TEMPORAL_ADDRESS);
    expect(environmentOf(setup).TEMPORAL_NAMESPACE).toBe(workerEnv.TEMPORAL_NAMESPACE);
    expect(dependenciesOf(setup).temporal).toBe('service_healthy');
    expect(dependenciesOf(worker)['temporal-search-attributes']).toBe('service_completed_successfully');
  });

  it('runs Temporal on its own Postgres with matching credentials', () => {
    const temporal = service('temporal');
    const env = environmentOf(temporal);
    const seed = env.POSTGRES_SEEDS ?? '';
    const db = environmentOf(service(seed));
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:/);
    expect(env.DB).toBe('postgres12');
    expect(seed).toBe('postgresql');
    expect(service(seed).image).toBe('postgres:16');
    expect(env.POSTGRES_USER).toBe(db.POSTGRES_USER);
    expect(env.POSTGRES_PWD).toBe(db.POSTGRES_PASSWORD);
    expect(dependenciesOf(temporal)[seed]).toBe('service_healthy');
    expect(publishedPortsOf(temporal)).toContainEqual({ hostIp: undefined, published: 7233, target: 7233 });
  });

  it('serves the Temporal UI on port 8080', () => {
    const ui = service('temporal-ui');
    expect(ui.image).toMatch(/^temporalio\/ui:/);
    expect(environmentOf(ui).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(publishedPortsOf(ui)).toContainEqual({ hostIp: undefined, published: 8080, target: 8080 });
  });

  it('keeps both databases on named volumes', () => {
    for (const name of ['postgresql', 'weir-db']) {
      const volumes = service(name).volumes ?? [];
      expect(volumes, name).toContainEqual(expect.stringMatching(/^[a-z][a-z0-9-]*:\/var\/lib\/postgresql\/data$/));
      expect(namedVolumesOf(service(name)), name).toHaveLength(1);
    }
  });

  it('shares one S3 artifact store between the workers, with its bucket made before they start', () => {
    const root = new URL(workerEnv.WEIR_ARTIFACT_ROOT ?? '');
    expect(root.protocol).toBe('s3:');
    const endpoint = new URL(workerEnv.WEIR_S3_ENDPOINT ?? '');
    const s3 = service(endpoint.hostname);
    expect(s3.image).toMatch(/^versity\/versitygw:/);
    const command = asArray(s3.command);
    expect(command[command.indexOf('--port') + 1]).toBe(`:${endpoint.port}`);
    expect(command[command.indexOf('--access') + 1]).toBe(workerEnv.AWS_ACCESS_KEY_ID);
    expect(command[command.indexOf('--secret') + 1]).toBe(workerEnv.AWS_SECRET_ACCESS_KEY);
    expect(namedVolumesOf(s3)).toHaveLength(1);
    expect(scriptOf('s3-bucket')).toContain(`--bucket ${root.hostname}`);
    expect(dependenciesOf(worker)['s3-bucket']).toBe('service_completed_successfully');
  });

  it('syncs schedules once per deploy and checks worker readiness on the metrics port', () => {
    expect(workerEnv.WEIR_SYNC_SCHEDULES).toBe('false');
    expect(asArray(service('weir-schedules-sync').command).join(' ')).toBe('schedules sync');
    expect(dependenciesOf(worker)['weir-schedules-sync']).toBe('service_completed_successfully');
    expect(asArray(worker.healthcheck?.test).join(' ')).toContain(`127.0.0.1:${workerEnv.WEIR_METRICS_PORT}/readyz`);
  });

  it('publishes the Weir database on loopback only', () => {
    for (const port of publishedPortsOf(service('weir-db'))) expect(port.hostIp).toBe('127.0.0.1');
  });
});

describe('Dockerfile and .dockerignore', () => {
  const instructions = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const indexOf = (pattern: RegExp): number => instructions.findIndex((line) => pattern.test(line));

  const runStage = instructions.findLastIndex((line) => line.startsWith('FROM '));

  it('compiles in a build stage and installs production dependencies from the lockfile in the image', () => {
    // The base is an argument (a locally built one where no registry is reachable), Node.js 20 on bookworm by default.
    expect(instructions[0]).toBe('ARG NODE_IMAGE=node:20-bookworm-slim');
    expect(instructions[1]).toBe('FROM ${NODE_IMAGE} AS build');
    expect(indexOf(/^RUN npm run build$/)).toBeLessThan(runStage);
    expect(instructions[runStage]).toBe('FROM ${NODE_IMAGE}');
    const manifests = instructions.findIndex((line, i) => i > runStage && /^COPY .*package\.json package-lock\.json \.\/$/.test(line));
    const install = indexOf(/^RUN npm ci --omit=dev\b/);
    const compiled = indexOf(/^COPY --from=build .*\/app\/dist \.\/dist$/);
    expect(manifests).toBeGreaterThan(runStage);
    expect(install).toBeGreaterThan(manifests);
    expect(compiled).toBeGreaterThan(install);
  });

  it("has Python 3 and the example's packages where the example looks for them", () => {
    expect(indexOf(/^RUN apt-get update .*apt-get install .*\bpython3\b/)).toBeGreaterThan(runStage);
    expect(indexOf(/pip install .*--target \/app\/\.weir\/python -r \/tmp\/requirements\.txt/)).toBeGreaterThan(runStage);
    expect(indexOf(/^COPY .*dags\/weekly_retrain\/requirements\.txt /)).toBeGreaterThan(runStage);
  });

  it('runs the worker by default, as a non-root user', () => {
    expect(instructions.at(-2)).toBe('ENTRYPOINT ["node", "/app/bin/weir.mjs"]');
    expect(instructions.at(-1)).toBe('CMD ["worker"]');
    expect(indexOf(/^USER node$/)).toBeGreaterThan(runStage);
  });

  it('keeps local state out of the build context', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.weir', '.git', 'coverage']));
  });
});

describe('deploy/podman/compose.yml, the stack run-compose.sh runs with podman', () => {
  const podmanCompose = readFileSync(join(repoRoot, 'deploy', 'podman', 'compose.yml'), 'utf8');
  const binaries = { WEIR_TEMPORAL_BIN: '/opt/bin/temporal', WEIR_VERSITYGW_BIN: '/opt/bin/versitygw' };
  const podman = checkCompose(podmanCompose, binaries);
  const podmanServices = podman.compose.services;

  it('validates against the Compose Specification', () => {
    expect(podman.problems).toEqual([]);
    expect(podman.missingVariables).toEqual([]);
  });

  it('refuses to start without the two host binaries it mounts', () => {
    expect(() => checkCompose(podmanCompose)).toThrow(/required variable WEIR_TEMPORAL_BIN is missing/);
  });

  it('uses only the locally built worker image, so nothing is pulled', () => {
    for (const [name, entry] of Object.entries(podmanServices)) expect(entry.image, name).toBe('localhost/weir:local');
  });

  it('shares one S3 store between two worker replicas, as docker-compose.yml does', () => {
    const worker = podmanServices.worker;
    expect((worker?.deploy as { mode?: string; replicas?: number } | undefined)).toMatchObject({ mode: 'replicated', replicas: 2 });
    expect(worker?.environment).toMatchObject({ WEIR_ARTIFACT_ROOT: 's3://weir-artifacts/compose', WEIR_S3_ENDPOINT: 'http://s3:7070', WEIR_SYNC_SCHEDULES: 'false' });
    expect(Object.keys(podmanServices)).toEqual(expect.arrayContaining(['temporal', 'weir-db', 's3', 'weir-migrate', 'worker', 'trigger']));
  });
});
