import { randomUUID } from 'node:crypto'
import { buildApp, type App, type AppOptions } from '../../server/app.ts'
import { DEFAULTS, type Config } from '../../server/config.ts'
import { loadRegion } from '../../server/region.ts'
import type { HubOptions } from '../../server/feed/hub.ts'
import type { RedisTarget } from '../../server/store/connect.ts'
import type { RegionIndex } from '../../shared/region.ts'

export const region = loadRegion({ region: '321283' })
export const TOWN = region.towns[0].code
export const TOWN2 = region.towns[3].code

export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  ...DEFAULTS,
  port: 0,
  host: '127.0.0.1',
  logLevel: 'silent',
  tickMs: 100,
  // Tests of other concerns run without tokens; tests/access turns auth on.
  auth: 'off',
  ...overrides,
})

/** A controllable clock for the app under test. */
export function fakeClock(start: number | string) {
  let now = typeof start === 'string' ? Date.parse(start) : start
  const clock = () => now
  clock.set = (t: number | string) => {
    now = typeof t === 'string' ? Date.parse(t) : t
  }
  clock.advance = (ms: number) => {
    now += ms
  }
  return clock
}

export interface TestAppOptions {
  /** One Redis; or `redis`, a Sentinel set or a Cluster. */
  redisUrl?: string
  redis?: RedisTarget
  clock?: () => number
  config?: Partial<Config>
  /** Apps that share a key space act as nodes of one deployment. */
  keyVariant?: string
  /** Live feed tuning: tests shorten its timers and limits. */
  hub?: Partial<HubOptions>
  /** Another region file's contents; default Taixing's. */
  region?: RegionIndex
  /** Log options (default: no log). */
  logger?: AppOptions['logger']
}

export async function testApp(opts: TestAppOptions): Promise<App> {
  const app = await buildApp({
    config: testConfig(opts.config),
    region: opts.region ?? region,
    redis: opts.redis ?? { kind: 'single', url: opts.redisUrl! },
    clock: opts.clock,
    keyVariant: opts.keyVariant,
    hub: opts.hub,
    logger: opts.logger,
  })
  await app.ready()
  return app
}

/** A fresh key space per test, so tests in one file do not see each other's events. */
export const freshSpace = () => `t${randomUUID().slice(0, 8)}`

let counter = 0
/** A unique event id. */
export const eid = (prefix = 'ev') =>
  `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36).padStart(4, '0')}`
