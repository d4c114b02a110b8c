import fp from 'fastify-plugin'
import type { RegionIndex } from '../../shared/region.ts'
import { regionDay } from '../../shared/time.ts'
import type { Config } from '../config.ts'

// What every other plugin and route reads: the configuration, the region file, and the region's
// clock. Registered first; plugins that need it declare `dependencies: ['context']`.

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    region: RegionIndex
    /** The region's clock: tests replace it to cross midnight. */
    clock: () => number
    /** The region's calendar day now. */
    today: () => string
  }
}

export interface ContextOptions {
  config: Config
  region: RegionIndex
  clock?: () => number
}

export default fp<ContextOptions>(
  async (app, opts) => {
    const clock = opts.clock ?? Date.now
    const tz = opts.region.timeZone
    app.decorate('config', opts.config)
    app.decorate('region', opts.region)
    app.decorate('clock', clock)
    app.decorate('today', () => regionDay(clock(), tz))
  },
  { name: 'context' },
)
