// What `docker compose config` would catch and a bit more, without a Docker engine: the compose
// file interpolated from deploy/.env the way Compose does it, then checked for the mistakes that
// only show up at `docker compose up` time.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

export type ComposeDocument = {
  services?: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
};

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string> | string[];
  ports?: (string | { published?: string | number; target: number; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  [key: string]: unknown;
}

/** Reads a `.env` file: KEY=VALUE lines, # comments, optional quotes. */
export function readDotEnv(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/**
 * Compose's interpolation in one string: $$ (a literal $), $VAR, ${VAR}, ${VAR:-default},
 * ${VAR-default}, ${VAR:?error}, ${VAR?error}. An unset variable without a default is an error here
 * (Compose only warns and uses "", which hides typos).
 */
export function interpolate(text: string, env: Record<string, string>, where: string): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, name?: string, operator?: string, argument?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const key = (name ?? bare) as string;
      const value = env[key];
      const unset = value === undefined || (operator?.startsWith(':') === true && value === '');
      if (!unset) return value;
      if (operator === ':-' || operator === '-') return argument ?? '';
      if (operator === ':?' || operator === '?') throw new Error(`${where}: ${key} is required: ${argument}`);
      throw new Error(`${where}: variable ${key} is not set (add it to deploy/.env or give a default)`);
    },
  );
}

function interpolateTree(value: unknown, env: Record<string, string>, where: string): unknown {
  if (typeof value === 'string') return interpolate(value, env, where);
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, env, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolateTree(v, env, where ? `${where}.${k}` : k)]),
    );
  }
  return value;
}

/** The compose file as Compose sees it: YAML with merge keys, x- extensions dropped, interpolated. */
export function loadCompose(file: string, env: Record<string, string>): ComposeDocument {
  const raw = parse(readFileSync(file, 'utf8'), { merge: true, uniqueKeys: true }) as Record<string, unknown>;
  const withoutExtensions = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('x-')));
  return interpolateTree(withoutExtensions, env, '') as ComposeDocument;
}

/**
 * Several compose files as `docker compose -f a.yml -f b.yml` sees them: each loaded as above,
 * then each merged over the ones before it (mergeCompose).
 */
export function loadComposeFiles(files: readonly string[], env: Record<string, string>): ComposeDocument {
  return files.map((file) => loadCompose(file, env)).reduce((merged, next) => mergeCompose(merged, next));
}

/** Sequences an override replaces instead of extending (Compose: shell commands). */
const REPLACED_SEQUENCES = new Set(['command', 'entrypoint', 'test']);

/**
 * Compose's merge of an override file into a base, for the keys our files use (the Compose
 * Specification, "Merge and override"): mappings merge key by key; `command`, `entrypoint` and
 * `healthcheck.test` are replaced; `volumes` merge by container path (the override's mount
 * wins); other sequences are appended to, without repeating an entry.
 */
export function mergeCompose<T>(base: T, override: T, key = ''): T {
  if (Array.isArray(base) && Array.isArray(override)) {
    if (REPLACED_SEQUENCES.has(key)) return override;
    if (key === 'volumes') {
      const target = (v: unknown) => (typeof v === 'string' ? v.split(':')[1] : (v as { target?: string }).target);
      const targets = new Set(override.map(target));
      return [...base.filter((v) => !targets.has(target(v))), ...override] as T;
    }
    const seen = new Set(base.map((v) => JSON.stringify(v)));
    return [...base, ...override.filter((v) => !seen.has(JSON.stringify(v)))] as T;
  }
  if (isMapping(base) && isMapping(override)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(override)) out[k] = k in out ? mergeCompose(out[k], v, k) : v;
    return out as T;
  }
  return override;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function dependencies(service: ComposeService): Map<string, string> {
  const out = new Map<string, string>();
  const dependsOn = service.depends_on;
  if (Array.isArray(dependsOn)) for (const name of dependsOn) out.set(name, 'service_started');
  else if (dependsOn) {
    for (const [name, spec] of Object.entries(dependsOn)) out.set(name, spec?.condition ?? 'service_started');
  }
  return out;
}

/** Host ports a service publishes, as "ip:port/protocol" (ip "*" when unbound). */
export function publishedPorts(service: ComposeService): string[] {
  const out: string[] = [];
  for (const port of service.ports ?? []) {
    if (typeof port === 'object') {
      if (port.published !== undefined) out.push(`${port.host_ip ?? '*'}:${port.published}/tcp`);
      continue;
    }
    const [spec, protocol = 'tcp'] = port.split('/');
    const parts = spec.split(':');
    if (parts.length < 2) continue; // container port only: Docker picks a free host port
    const published = parts[parts.length - 2];
    const ip = parts.length > 2 ? parts.slice(0, -2).join(':') : '*';
    out.push(`${ip}:${published}/${protocol}`);
  }
  return out;
}

/** Every problem of an interpolated compose document, one line each; [] when it is fine. */
export function checkCompose(doc: ComposeDocument, projectDir: string): string[] {
  const problems: string[] = [];
  const services = doc.services ?? {};
  const names = Object.keys(services);
  if (names.length === 0) problems.push('services: none defined');
  const declaredVolumes = new Set(Object.keys(doc.volumes ?? {}));
  const usedVolumes = new Set<string>();
  const portOwners = new Map<string, string>();

  for (const [name, service] of Object.entries(services)) {
    const at = `services.${name}`;
    if (!service.image && !service.build) problems.push(`${at}: neither image nor build`);
    const test = service.healthcheck?.test;
    if (!test || service.healthcheck?.disable || (Array.isArray(test) && test[0] === 'NONE')) {
      problems.push(`${at}: no healthcheck`);
    } else if (Array.isArray(test) && !['CMD', 'CMD-SHELL'].includes(test[0])) {
      problems.push(`${at}.healthcheck.test: must start with CMD or CMD-SHELL, got ${JSON.stringify(test[0])}`);
    }
    for (const [target, condition] of dependencies(service)) {
      if (!services[target]) problems.push(`${at}.depends_on: unknown service "${target}"`);
      else if (target === name) problems.push(`${at}.depends_on: depends on itself`);
      else if (condition === 'service_healthy' && !services[target].healthcheck?.test) {
        problems.push(`${at}.depends_on.${target}: service_healthy, but ${target} has no healthcheck`);
      }
      if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) {
        problems.push(`${at}.depends_on.${target}.condition: unknown condition "${condition}"`);
      }
    }
    for (const port of publishedPorts(service)) {
      const [ip, rest] = [port.slice(0, port.lastIndexOf(':')), port.slice(port.lastIndexOf(':') + 1)];
      for (const [other, owner] of portOwners) {
        const [otherIp, otherRest] = [other.slice(0, other.lastIndexOf(':')), other.slice(other.lastIndexOf(':') + 1)];
        if (rest === otherRest && (ip === otherIp || ip === '*' || otherIp === '*')) {
          problems.push(`${at}.ports: host port ${rest} is also published by ${owner}`);
        }
      }
      portOwners.set(port, name);
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
      const type = typeof volume === 'string' ? undefined : volume.type;
      if (!source) continue;
      if (source.startsWith('.') || isAbsolute(source) || type === 'bind') {
        const path = isAbsolute(source) ? source : join(projectDir, source);
        if (!existsSync(path)) problems.push(`${at}.volumes: bind mount source ${source} does not exist`);
      } else {
        usedVolumes.add(source);
        if (!declaredVolumes.has(source)) problems.push(`${at}.volumes: named volume "${source}" is not declared`);
      }
    }
  }
  for (const volume of declaredVolumes) {
    if (!usedVolumes.has(volume)) problems.push(`volumes.${volume}: declared but not used`);
  }
  problems.push(...dependencyCycles(services));
  return problems;
}

function dependencyCycles(services: Record<string, ComposeService>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const problems: string[] = [];
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done' || !services[name]) return;
    if (state.get(name) === 'visiting') {
      problems.push(`depends_on cycle: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`);
      return;
    }
    state.set(name, 'visiting');
    for (const target of dependencies(services[name]).keys()) visit(target, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(services)) visit(name, []);
  return problems;
}

/** A service's environment as a map (Compose accepts a map or a list of KEY=VALUE). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment;
  if (!env) return {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(env.map((item) => [item.split('=')[0], item.slice(item.indexOf('=') + 1)]));
}
