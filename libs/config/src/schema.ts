import * as z from 'zod';
import { destinations } from './destination-schema';
import { sources } from './source-schema';
import { tableMatches, splitQualified } from './tables';
import { natsTls } from './tls-schema';
import { urlProblem } from './url';
import { expected, integer, list, optionalText, problem, readableFile, section, show, text } from './values';

/*
 * The config file's one schema: every key with its type, range, default and description. The
 * parser, the JSON Schema (`cdc config schema`) and the README's option tables all come from it.
 * A key is added in one place: its section below (or in source-schema.ts / destination-schema.ts);
 * checks that span keys sit in that section's transform.
 */

const NATS_SCHEMES = ['nats', 'tls', 'ws', 'wss'];

const natsUrl = text((value) => {
  const found = urlProblem(value, NATS_SCHEMES, { allowBareHost: true });
  if (found === undefined) return undefined;
  return found + (value.includes(',') ? ' (list several servers as a YAML list)' : '');
});

export const nats = section({
  url: z
    .union([natsUrl, list(natsUrl, 'must list at least one server')], {
      error: (issue) => (issue.input === undefined ? 'required' : expected('string or list of strings', issue.input)),
    })
    .describe(
      'JetStream server(s): `nats://`, `tls://`, `ws://`, `wss://` URLs or bare `host:port`. Several servers: a YAML list, not commas.',
    ),
  user: optionalText().describe('User name; requires `password`.'),
  password: optionalText().describe('Password; requires `user`.'),
  token: optionalText().describe('Token authentication; cannot be combined with `user`/`password`.'),
  nkey_seed: optionalText().describe(
    "NKey authentication: the user's seed (`SU…`), best as `${file:/run/secrets/nkey}`. Never echoed in errors.",
  ),
  creds_file: readableFile().describe(
    'Path of a `.creds` file (user JWT + seed) for decentralized auth; read again on every reconnect (rotation).',
  ),
  tls: natsTls().optional(),
  replicas: integer(1, 5)
    .default(1)
    .describe(
      'Copies of every stream, consumer and KV bucket the pipeline creates: 1, 3 or 5 ([below](#replicas-and-stream-limits)).',
    ),
  max_bytes: integer(1)
    .optional()
    .describe(
      'Bytes each source stream may hold; when full the reader pauses (nothing dropped). >= `publish.max_bytes`.',
    ),
  max_age_s: integer(1)
    .optional()
    .describe(
      'Age limit of the oldest unapplied change in a source stream, in seconds; past it the reader pauses too.',
    ),
  quorum_lost_alert_s: integer(1)
    .default(30)
    .describe('Seconds of refused JetStream writes before one line says the cluster has likely lost quorum. >= 1.'),
})
  .transform((nats, ctx) => {
    if (nats.password !== undefined && nats.user === undefined) problem(ctx, 'required when password is set', ['user']);
    if (nats.user !== undefined && nats.password === undefined) problem(ctx, 'required when user is set', ['password']);
    const methods = (['user', 'token', 'nkeySeed', 'credsFile'] as const).filter((key) => nats[key] !== undefined);
    if (methods.length > 1) {
      const [first, second] = methods.map((key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
      problem(ctx, `cannot be combined with ${first} (one authentication method)`, [second]);
    }
    if (nats.nkeySeed !== undefined && !/^SU[A-Z2-7]{56}$/.test(nats.nkeySeed)) {
      // Never echo the value: it is a secret.
      problem(ctx, 'is not a user NKey seed (58 characters starting with "SU")', ['nkey_seed']);
    }
    // Raft needs a majority: an even count tolerates no more lost servers than the odd one below it.
    if (nats.replicas % 2 === 0) problem(ctx, `must be 1, 3 or 5, got ${nats.replicas}`, ['replicas']);
    const { tls, ...rest } = nats;
    return { ...rest, ...(tls !== undefined && Object.keys(tls).length > 0 ? { tls } : {}) };
  })
  .describe('The NATS JetStream servers and how to authenticate to them.');

export const coordinator = section({
  interval_ms: integer(1).default(500).describe('How often the coordinator runs its progress cycle; >= 1.'),
})
  .prefault({})
  .describe('The coordinator service.');

/** The whole file. Top-level `x-` keys are removed before it is applied (a home for YAML anchors). */
export const configSchema = section({
  nats,
  sources,
  destinations,
  coordinator,
})
  .transform((config, ctx) => {
    // A message larger than the stream's byte limit could never be stored: the reader would wait forever.
    const limit = config.nats.maxBytes ?? Infinity;
    for (const source of config.sources) {
      if (source.publish.maxBytes > limit) {
        problem(
          ctx,
          `must be at least publish.max_bytes of source ${source.name} (${source.publish.maxBytes}), got ${limit}`,
          ['nats', 'max_bytes'],
        );
      }
    }
    config.destinations.forEach((destination, index) => {
      const path = ['destinations', index];
      const known = config.sources.map((source) => source.name);
      destination.sources.forEach((name, at) => {
        if (!known.includes(name))
          problem(ctx, `unknown source ${show(name)} (known: ${known.join(', ')})`, [...path, 'sources', at]);
        if (destination.sources.indexOf(name) !== at)
          problem(ctx, `duplicate source ${show(name)}`, [...path, 'sources', at]);
      });
      const applied = config.sources.filter((source) => destination.sources.includes(source.name));
      for (const from of [...Object.keys(destination.tables), ...Object.keys(destination.tablePolicies)]) {
        const parts = splitQualified(from)!;
        if (!applied.some((source) => tableMatches(source.tables, parts.schema, parts.table))) {
          const names = applied.map((source) => JSON.stringify(source.name)).join(', ');
          problem(ctx, `not matched by the table patterns of source${applied.length > 1 ? 's' : ''} ${names}`, [
            ...path,
            'tables',
            from,
          ]);
        }
      }
    });
    return config;
  })
  .describe('The CDC pipeline configuration: one file shared by reader, applier, coordinator and cli.');
