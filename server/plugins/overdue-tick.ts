import fp from 'fastify-plugin'

/**
 * Every node runs the deadline tick (due soon, overdue: tick.lua); the script makes that safe (each
 * hazard moves once).
 */
export default fp(
  async (app) => {
    let running = false
    const timer = setInterval(async () => {
      if (running || app.store.redis.status !== 'ready') return
      running = true
      try {
        const moved = await app.store.tick(app.clock())
        if (moved) app.log.info({ moved }, 'deadline tick moved hazards into due soon or overdue')
      } catch (err) {
        app.log.warn({ err }, 'deadline tick failed')
      } finally {
        running = false
      }
    }, app.config.tickMs)
    timer.unref()
    app.addHook('onClose', async () => clearInterval(timer))
  },
  { name: 'overdue-tick', dependencies: ['context', 'store'] },
)
