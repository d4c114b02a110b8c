import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { loadRegion } from './region.ts'
import { logOptions } from './log.ts'
import { describeTarget } from './store/connect.ts'
import { requireTokens } from './auth/startup.ts'
import { NoRedisError, resolveRedis } from './store/resolve-redis.ts'
import { RedisStartError } from './store/redis-process.ts'
import { UnsupportedRedisError } from './store/redis-version.ts'
import { RedisUnreachableError } from './plugins/store.ts'

/** Starts a production node: config, Redis (embedded default), app, listen, graceful close. */
export async function startServer(overrides: Partial<Config> = {}) {
  let config: Config
  let region
  try {
    config = loadConfig(process.env, overrides)
    region = loadRegion(config)
    requireTokens(config)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  let redis
  try {
    redis = await resolveRedis(config)
  } catch (err) {
    if (err instanceof NoRedisError || err instanceof RedisStartError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  let app
  try {
    app = await buildApp({ config, region, redis: redis.target, logger: logOptions(config.logLevel) })
  } catch (err) {
    if (err instanceof UnsupportedRedisError || err instanceof RedisUnreachableError) {
      console.error(err.message)
      await redis.stop()
      process.exit(1)
    }
    throw err
  }
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing')
    await app.close()
    await redis.stop()
  })
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    // The usual cause: an old server still running, or another program on the port. Said in a line.
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw err
    console.error(
      `Cannot listen on ${config.host}:${config.port} (${code}): ${code === 'EADDRINUSE' ? 'another program has the port; stop it, or set PORT' : 'set HOST or PORT'}`,
    )
    await app.close()
    await redis.stop()
    process.exit(1)
  }
  app.log.info(
    `Lookout for ${region.city.name} (${region.city.code}) using Redis ${describeTarget(redis.target)} (${redis.source})`,
  )
  return { app, config, redis }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await startServer()
}
