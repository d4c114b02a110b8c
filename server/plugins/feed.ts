import fp from 'fastify-plugin'
import { FeedHub, HUB_DEFAULTS, type HubOptions } from '../feed/hub.ts'
import { isCluster } from '../store/connect.ts'
import { subscribeUpdates } from '../store/subscription.ts'

declare module 'fastify' {
  interface FastifyInstance {
    feedHub: FeedHub
  }
}

/** This node's live feed: subscribes to the region's updates and serves /ws viewers. */
export default fp<{ hub?: Partial<HubOptions> }>(
  async (app, opts) => {
    const redis = app.store.redis
    const hub = new FeedHub(
      {
        store: app.store,
        region: app.region,
        subscription: subscribeUpdates(
          app.redisTarget,
          app.store.keys.updates,
          isCluster(redis) ? redis : undefined,
        ),
        clock: app.clock,
        log: app.log,
        metrics: app.metrics,
      },
      { ...HUB_DEFAULTS, ...opts.hub },
    )
    await hub.start()
    app.decorate('feedHub', hub)
    app.addHook('preClose', async () => hub.stop())
  },
  { name: 'feed', dependencies: ['context', 'store', 'metrics'] },
)
