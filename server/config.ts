import { isIP } from 'node:net'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

// Configuration: read from the environment once, validated against this schema, then passed around
// as one typed object. Nothing else in the server reads process.env.

/** A Sentinel or Cluster seed: host:port (IPv6 in brackets), with an optional redis(s):// scheme. */
const SEED = '^(rediss?://)?(\\[[0-9a-fA-F:.]+\\]|[^\\s:/\\[\\]]+):[0-9]{1,5}$'

export const ConfigSchema = Type.Object({
  /** HTTP port. */
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** Interface to listen on. */
  host: Type.String({ minLength: 1 }),
  /**
   * Redis to use, one of three (docs/redis.md): one Redis (redisUrl), a Sentinel set
   * (redisSentinels + redisSentinelName) or a Cluster (redisCluster). None: 127.0.0.1:6379 if it
   * answers, else an embedded redis-server.
   */
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** Sentinels to ask for the primary: host:port, or rediss://host:port for TLS (all alike). */
  redisSentinels: Type.Optional(Type.Array(Type.String({ pattern: SEED }), { minItems: 1 })),
  /** The primary's name in the Sentinels' configuration (`sentinel monitor <name> …`). */
  redisSentinelName: Type.Optional(Type.String({ minLength: 1 })),
  /** Cluster seed nodes (any one that answers suffices): host:port, or rediss://host:port. */
  redisCluster: Type.Optional(Type.Array(Type.String({ pattern: SEED }), { minItems: 1 })),
  /** The Redis password (ACL `default` user), for Sentinel and Cluster; a URL may carry its own. */
  redisPassword: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Replicas that must hold a write before it is acknowledged (WAIT in the same pipeline as the
   * script); fewer within redisWaitMs: 503 with Retry-After.
   */
  redisWaitReplicas: Type.Integer({ minimum: 0, maximum: 16 }),
  /** How long a write waits for redisWaitReplicas, in ms. */
  redisWaitMs: Type.Integer({ minimum: 1, maximum: 60_000 }),
  /** Region code: server/regions/<code>.json holds its towns, domains and thresholds. */
  region: Type.String({ pattern: '^[0-9]{6}$' }),
  /** A region file elsewhere (another city's), instead of server/regions/<region>.json. */
  regionFile: Type.Optional(Type.String({ minLength: 1 })),
  /** Overrides the region file's time zone (IANA name). */
  timeZone: Type.Optional(Type.String({ minLength: 1 })),
  /** How long an event id is remembered for dedupe, in days. */
  dedupeDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  /** Most events in one POST. (A batch is one log entry of two arguments per event, and a Lua call takes at most ~8,000.) */
  batchLimit: Type.Integer({ minimum: 1, maximum: 3000 }),
  /** Largest request body, in bytes. */
  bodyLimit: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
  /** How often each node runs the overdue tick, in ms. */
  tickMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
  /** Where the embedded redis-server keeps its data. */
  dataDir: Type.String({ minLength: 1 }),
  logLevel: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** `tokens`: every data route needs a token (server/auth). `off` only for a local demo: anyone may read and write. */
  auth: Type.Enum(['tokens', 'off']),
  /** The access tokens (hashed), managed with `npm run token`; re-read when it changes. */
  tokensFile: Type.String({ minLength: 1 }),
  /** Origins (scheme://host[:port]) browsers may call from besides this server's own host (e.g. behind a proxy). */
  allowedOrigins: Type.Array(Type.String({ pattern: '^https?://[^/?#\\s]+$' })),
  /** Requests per minute per token (per IP without one), on each node. */
  rateLimit: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  /**
   * Addresses (IPs or CIDR ranges) of reverse proxies in front of this server: their
   * X-Forwarded-For and -Proto are believed, so logs and limits see the real client and a cookie
   * set over the proxy's https is Secure. Empty: no proxy is trusted.
   */
  trustProxy: Type.Array(Type.String({ minLength: 1 })),
})
export type Config = Static<typeof ConfigSchema>

export const DEFAULTS: Config = {
  port: 3000,
  host: '0.0.0.0',
  region: '321283',
  redisWaitReplicas: 0,
  redisWaitMs: 1_000,
  dedupeDays: 30,
  batchLimit: 500,
  bodyLimit: 1024 * 1024,
  tickMs: 1000,
  dataDir: './data',
  logLevel: 'info',
  auth: 'tokens',
  tokensFile: './data/tokens.json',
  allowedOrigins: [],
  rateLimit: 600,
  trustProxy: [],
}

/** Environment variable → config field, and how to read it. */
const ENV: Record<string, [keyof Config, 'int' | 'string' | 'list']> = {
  PORT: ['port', 'int'],
  HOST: ['host', 'string'],
  REDIS_URL: ['redisUrl', 'string'],
  REDIS_SENTINELS: ['redisSentinels', 'list'],
  REDIS_SENTINEL_NAME: ['redisSentinelName', 'string'],
  REDIS_CLUSTER: ['redisCluster', 'list'],
  REDIS_PASSWORD: ['redisPassword', 'string'],
  REDIS_WAIT_REPLICAS: ['redisWaitReplicas', 'int'],
  REDIS_WAIT_MS: ['redisWaitMs', 'int'],
  REGION: ['region', 'string'],
  REGION_FILE: ['regionFile', 'string'],
  TIME_ZONE: ['timeZone', 'string'],
  DEDUPE_DAYS: ['dedupeDays', 'int'],
  BATCH_LIMIT: ['batchLimit', 'int'],
  BODY_LIMIT: ['bodyLimit', 'int'],
  TICK_MS: ['tickMs', 'int'],
  DATA_DIR: ['dataDir', 'string'],
  LOG_LEVEL: ['logLevel', 'string'],
  AUTH: ['auth', 'string'],
  TOKENS_FILE: ['tokensFile', 'string'],
  ALLOWED_ORIGINS: ['allowedOrigins', 'list'],
  RATE_LIMIT: ['rateLimit', 'int'],
  TRUST_PROXY: ['trustProxy', 'list'],
}

export class ConfigError extends Error {}

/**
 * What is wrong with one TRUST_PROXY entry, or null: it must be an address, or a range no wider than
 * a /8 (IPv4) or /16 (IPv6). A wider one would believe X-Forwarded-For from nearly anyone, and an
 * IPv4-mapped IPv6 range (::ffff:…) would cover every IPv4 client.
 */
function proxyProblem(entry: string): string | null {
  const [address, prefix, ...rest] = entry.split('/')
  const version = isIP(address)
  const bad = (why: string) => `TRUST_PROXY entry "${entry}" ${why}`
  if (!version || rest.length)
    return bad('is not an IP address or a CIDR range (e.g. 10.0.0.5 or 10.0.0.0/24)')
  if (/^::ffff:/i.test(address)) return bad('is an IPv4-mapped address: give the IPv4 address itself')
  if (prefix === undefined) return null
  const bits = Number(prefix)
  const [least, most] = version === 4 ? [8, 32] : [16, 128]
  if (!/^\d+$/.test(prefix) || bits > most) return bad(`has a prefix that is not /0–/${most}`)
  if (bits < least) return bad(`trusts too wide a range (at most a /${least})`)
  return null
}

/**
 * What is wrong with the Redis variables together, or null: at most one topology, a Sentinel set
 * with its name, one scheme for all seeds.
 */
function redisTopologyProblem(raw: Record<string, unknown>): string | null {
  const given = [
    raw.redisUrl !== undefined && 'REDIS_URL',
    raw.redisSentinels !== undefined && 'REDIS_SENTINELS',
    raw.redisCluster !== undefined && 'REDIS_CLUSTER',
  ].filter(Boolean)
  if (given.length > 1)
    return `${given.join(' and ')} are both set: give exactly one of REDIS_URL (one Redis), REDIS_SENTINELS with REDIS_SENTINEL_NAME (Sentinel), REDIS_CLUSTER (Cluster)`
  if ((raw.redisSentinels === undefined) !== (raw.redisSentinelName === undefined))
    return raw.redisSentinels === undefined
      ? 'REDIS_SENTINEL_NAME is set without REDIS_SENTINELS: give both (the Sentinels, and the primary name they watch)'
      : 'REDIS_SENTINELS is set without REDIS_SENTINEL_NAME: give the primary name the Sentinels watch'
  for (const [name, seeds] of [
    ['REDIS_SENTINELS', raw.redisSentinels],
    ['REDIS_CLUSTER', raw.redisCluster],
  ] as const) {
    if (!Array.isArray(seeds)) continue
    const tls = new Set(seeds.map((s) => String(s).startsWith('rediss://')))
    if (tls.size > 1) return `${name} mixes rediss:// and plain addresses: TLS is all or none`
  }
  return null
}

/**
 * An origin as browsers send it (scheme://host[:port], lower case, no path): `HTTPS://Wall.Example/`
 * pasted from an address bar means https://wall.example. Left as it is when it is no http(s) URL.
 */
function asOrigin(text: string): string {
  try {
    const url = new URL(text)
    return /^https?:$/.test(url.protocol) && url.pathname === '/' && !url.search ? url.origin : text
  } catch {
    return text
  }
}

/** Reads and checks the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = { ...DEFAULTS }
  const problems: string[] = []
  for (const [name, [field, kind]] of Object.entries(ENV)) {
    const text = env[name]
    if (text === undefined || text === '') continue
    if (kind === 'int') {
      // Not a number: said, and the default kept so the other variables are still checked.
      if (/^-?\d+$/.test(text.trim())) raw[field] = Number(text)
      else problems.push(`${name} must be a whole number (got "${text}")`)
    } else if (kind === 'list') {
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
      raw[field] = field === 'allowedOrigins' ? items.map(asOrigin) : items
    } else raw[field] = text
  }
  Object.assign(raw, overrides)
  if (!Value.Check(ConfigSchema, raw)) {
    const envName = (field: string) => Object.keys(ENV).find((k) => ENV[k][0] === field) ?? field
    for (const e of Value.Errors(ConfigSchema, raw)) {
      // A list item's error names its list (/allowedOrigins/1 → ALLOWED_ORIGINS).
      const field = e.instancePath.slice(1).split('/')[0]
      const allowed =
        e.keyword === 'enum' ? `: ${(e.params as { allowedValues: string[] }).allowedValues.join(', ')}` : ''
      const message =
        field === 'allowedOrigins'
          ? 'must list origins such as https://wall.example or http://10.0.0.5:3000'
          : `${e.message}${allowed}`
      problems.push(`${envName(field)} ${message} (got ${JSON.stringify(raw[field])})`)
    }
  }
  const topology = redisTopologyProblem(raw)
  if (topology) problems.push(topology)
  if (Array.isArray(raw.trustProxy))
    problems.push(...(raw.trustProxy as string[]).map(proxyProblem).filter((p) => p !== null))
  if (problems.length) throw new ConfigError(`Bad configuration: ${[...new Set(problems)].join('; ')}`)
  return raw as Config
}
