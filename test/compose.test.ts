import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEYS, loadConfig } from '../src/config/config';
import { CONTRACT_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/**
 * docker-compose.yml and the Dockerfile are checked statically: they must start the same
 * configuration the application validates, with pinned images. No Docker daemon needed.
 */

const root = path.resolve(__dirname, '..');
const composeText = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  healthcheck?: { test: string | string[] };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

// Docker Compose resolves YAML merge keys (`<<: *app-environment`); so must the parser.
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = compose.services;

/**
 * Compose variable interpolation (the subset the spec defines): `$$`, `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`.
 */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_match, dollar: string | undefined, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (dollar !== undefined) return '$';
      const name = (braced ?? bare) as string;
      const current = env[name];
      const unset = current === undefined;
      const emptyOrUnset = unset || current === '';
      switch (op) {
        case undefined:
          return current ?? '';
        case ':-':
          return emptyOrUnset ? (arg ?? '') : (current as string);
        case '-':
          return unset ? (arg ?? '') : (current as string);
        case ':?':
        case '?':
          if (op === ':?' ? emptyOrUnset : unset) throw new Error(`required variable ${name} is missing: ${arg ?? ''}`);
          return current as string;
        case ':+':
          return emptyOrUnset ? '' : (arg ?? '');
        case '+':
          return unset ? '' : (arg ?? '');
        default:
          throw new Error(`unsupported interpolation ${op}`);
      }
    },
  );
}

/** A service's environment after interpolation, as the container would see it. */
function environmentOf(serviceName: string, env: Record<string, string | undefined>): Record<string, string> {
  const raw = services[serviceName]?.environment;
  if (raw === undefined) return {};
  const entries: [string, string][] = Array.isArray(raw)
    ? raw.map((item) => {
        const index = item.indexOf('=');
        return index < 0 ? [item, env[item] ?? ''] : [item.slice(0, index), item.slice(index + 1)];
      })
    : Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries.map(([key, value]) => [key, interpolate(value, env)]));
}

function dependsOn(serviceName: string): Record<string, string> {
  const raw = services[serviceName]?.depends_on ?? {};
  return Array.isArray(raw)
    ? Object.fromEntries(raw.map((name) => [name, 'service_started']))
    : Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, value.condition]));
}

function commandText(service: ComposeService): string {
  const command = service.command ?? [];
  return Array.isArray(command) ? command.join(' ') : command;
}

const HOST_ENV = { OPERATOR_TOKEN: 'compose-test-operator-token-4711' };
const APP_SERVICES = ['api', 'worker', 'worker-documents'] as const;
const WORKER_SERVICES = ['worker', 'worker-documents'] as const;
/** Keys the stack cannot run without (their config defaults point at localhost). */
const REQUIRED_APP_KEYS = [
  'APP_ROLE',
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'SMTP_URL',
  'MAIL_FROM',
  'OPERATOR_TOKEN',
  'PORT',
];

describe('docker-compose.yml', () => {
  it('defines the production-like stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'mailpit', 'postgres', 'temporal', 'temporal-db', 'temporal-setup', 'temporal-ui', 'worker', 'worker-documents'].sort(),
    );
  });

  it.each([
    ['postgres', 'postgres:16.6'],
    ['temporal-db', 'postgres:16.6'],
    ['temporal', 'temporalio/auto-setup:1.25.2'],
    ['temporal-setup', 'temporalio/auto-setup:1.25.2'],
    ['temporal-ui', 'temporalio/ui:2.34.0'],
    ['mailpit', 'axllent/mailpit:v1.21.8'],
  ])('%s runs %s', (name, image) => {
    expect(services[name]?.image).toBe(image);
  });

  it.each(Object.keys(services))('%s pins its image tag (no latest, no missing tag)', (name) => {
    const image = services[name]?.image;
    expect(image).toBeDefined();
    // name[:tag][@digest] — the tag must exist, name a version (contain a digit) and not be `latest`.
    const match = /^(?<repository>[a-z0-9][a-z0-9._\/-]*)(?::(?<tag>[\w][\w.-]*))?(?:@sha256:[a-f0-9]{64})?$/.exec(image ?? '');
    expect(match).not.toBeNull();
    const tag = match?.groups?.tag;
    expect(tag).toBeDefined();
    expect(tag).not.toBe('latest');
    expect(tag).toMatch(/\d/);
  });

  it('builds api and worker from the Dockerfile into one locally tagged image', () => {
    expect(services.api?.build).toEqual({ context: '.', target: 'runtime' });
    for (const name of WORKER_SERVICES) {
      expect(services[name]?.build).toEqual(services.api?.build);
      expect(services[name]?.image).toBe(services.api?.image);
    }
  });

  it('its workers poll every task queue between them, each queue once, on the queue names the api starts contracts with', () => {
    const api = loadConfig(environmentOf('api', HOST_ENV));
    const workers = WORKER_SERVICES.map((name) => loadConfig(environmentOf(name, HOST_ENV)));
    // An activity queue nobody polls would leave its steps waiting forever.
    expect(workers.flatMap((w) => w.worker.polls).sort()).toEqual(['contracts', 'documents', 'mail', 'partners']);
    for (const w of workers) {
      expect(w.worker.activityQueues).toEqual(api.worker.activityQueues);
      expect(w.temporal.taskQueue).toBe(api.temporal.taskQueue);
    }
    // Rendering has its own slots and a server-side rate limit there.
    const documents = loadConfig(environmentOf('worker-documents', HOST_ENV)).worker;
    expect(documents.queues.documents).toMatchObject({ maxConcurrentActivities: 4, activitiesPerSecond: 20 });
  });

  describe.each(APP_SERVICES)('%s environment', (name) => {
    const environment = environmentOf(name, HOST_ENV);

    it('sets every key the stack needs', () => {
      for (const key of REQUIRED_APP_KEYS) expect(environment).toHaveProperty(key);
    });

    it('sets only keys the configuration schema knows (no typos that silently fall back to defaults)', () => {
      const unknown = Object.keys(environment).filter((key) => !CONFIG_KEYS.includes(key));
      expect(unknown).toEqual([]);
    });

    it('is accepted by loadConfig with the expected values', () => {
      const config = loadConfig(environment);
      expect(config.role).toBe(name === 'api' ? 'api' : 'worker');
      expect(config.port).toBe(3000);
      expect(config.databaseUrl).toBe('postgresql://vertragswerk:vertragswerk@postgres:5432/vertragswerk');
      expect(config.temporal).toEqual({ address: 'temporal:7233', namespace: 'default', taskQueue: 'contracts' });
      expect(config.mail).toEqual({ smtpUrl: 'smtp://mailpit:1025', from: 'Vertragswerk <billing@vertragswerk.example>' });
      expect(config.operatorToken).toBe(HOST_ENV.OPERATOR_TOKEN);
      expect(config.sandbox).toBe(false);
    });
  });

  it('refuses to start without an operator token instead of using the dev default', () => {
    expect(() => environmentOf('api', {})).toThrow(/OPERATOR_TOKEN/);
  });

  it('passes overrides from the host environment through', () => {
    const environment = environmentOf('api', { ...HOST_ENV, POSTGRES_PASSWORD: 's3cret', MAIL_FROM: 'Praxis <mail@praxis.example>' });
    expect(loadConfig(environment).databaseUrl).toBe('postgresql://vertragswerk:s3cret@postgres:5432/vertragswerk');
    expect(loadConfig(environment).mail.from).toBe('Praxis <mail@praxis.example>');
    expect(environmentOf('postgres', { POSTGRES_PASSWORD: 's3cret' }).POSTGRES_PASSWORD).toBe('s3cret');
  });

  it('points DATABASE_URL at the postgres service with its credentials', () => {
    const database = environmentOf('postgres', HOST_ENV);
    const url = new URL(environmentOf('api', HOST_ENV).DATABASE_URL as string);
    expect(url.hostname).toBe('postgres');
    expect(url.port).toBe('5432');
    expect(url.username).toBe(database.POSTGRES_USER);
    expect(url.password).toBe(database.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${database.POSTGRES_DB}`);
  });

  it('configures Temporal with PostgreSQL persistence on temporal-db', () => {
    const environment = environmentOf('temporal', HOST_ENV);
    const database = environmentOf('temporal-db', HOST_ENV);
    expect(environment).toMatchObject({ DB: 'postgres12', DB_PORT: '5432', POSTGRES_SEEDS: 'temporal-db' });
    expect(environment.POSTGRES_USER).toBe(database.POSTGRES_USER);
    expect(environment.POSTGRES_PWD).toBe(database.POSTGRES_PASSWORD);
    expect(dependsOn('temporal')).toEqual({ 'temporal-db': 'service_healthy' });
  });

  it('exposes the Temporal UI on 8233 and Mailpit on 8025 (SMTP 1025)', () => {
    expect(environmentOf('temporal-ui', HOST_ENV).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(services['temporal-ui']?.ports).toContain('8233:8080');
    expect(services.mailpit?.ports).toContain('8025:8025');
    expect(services.mailpit?.ports?.some((port) => port.endsWith(':1025'))).toBe(true);
    expect(services.api?.ports).toContain('3000:3000');
  });

  it('registers every search attribute the contract workflow uses', () => {
    const script = commandText(services['temporal-setup'] as ComposeService);
    const cliType: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool', KEYWORD_LIST: 'KeywordList', INT: 'Int' };
    for (const key of CONTRACT_SEARCH_ATTRIBUTES) {
      // Each entry is `<name>:<CLI type>`; a wrong type would fail the workflows' upserts.
      expect(script).toMatch(new RegExp(`\\b${key.name}:${cliType[key.type]}\\b`));
    }
    // `$$` escapes compose interpolation: the shell, not compose, expands the loop variable.
    expect(() => interpolate(script, {})).not.toThrow();
    expect(interpolate(script, {})).toContain('"$name"');
    expect(interpolate(script, {})).toContain('--type "$type"');
  });

  it('runs migrations in the api before it starts, and the worker after the api is healthy', () => {
    const apiCommand = commandText(services.api as ComposeService);
    expect(apiCommand).toMatch(/node dist\/scripts\/migrate\.js && exec node dist\/src\/main\.js/);
    for (const name of WORKER_SERVICES) expect(commandText(services[name] as ComposeService)).not.toMatch(/migrate/);
    expect(dependsOn('api')).toEqual({
      postgres: 'service_healthy',
      'temporal-setup': 'service_completed_successfully',
      mailpit: 'service_healthy',
    });
    for (const name of WORKER_SERVICES) expect(dependsOn(name)).toMatchObject({ api: 'service_healthy' });
    expect(dependsOn('temporal-setup')).toEqual({ temporal: 'service_healthy' });
  });

  it('health-checks the api on its readiness endpoint', () => {
    const test = services.api?.healthcheck?.test;
    expect(Array.isArray(test) ? test.join(' ') : test).toContain('http://127.0.0.1:3000/health/ready');
  });
});

describe('Dockerfile', () => {
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1], name: m[2] }));

  it('builds on the pinned Node 20 slim image in build and runtime stages', () => {
    expect(stages).toEqual([
      { image: 'node:20.20-bookworm-slim', name: 'build' },
      { image: 'node:20.20-bookworm-slim', name: 'runtime' },
    ]);
  });

  it('installs from the lock file and builds', () => {
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
  });

  it('starts the compiled entry point as an unprivileged user', () => {
    const lines = dockerfile.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('CMD ["node", "dist/src/main.js"]');
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('ships what migrate.js and the mail renderer read at run time', () => {
    for (const folder of ['./prisma', './scripts', './src/templates', './dist', './node_modules']) {
      expect(dockerfile).toContain(` ${folder}\n`);
    }
  });
});
