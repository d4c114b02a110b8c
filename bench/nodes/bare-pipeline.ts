import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { serveParent, memoryAfterGc } from '../lib/child.ts'

// Baseline: the cost floor of a request that touches Redis at all. A bare Fastify route parses
// the same JSON body and runs one pipeline of 6 HINCRBY + 1 PUBLISH, nothing else.

const redisUrl = process.env.REDIS_URL
if (!redisUrl) throw new Error('REDIS_URL is required')
const redis = new Redis(redisUrl)
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })

app.post('/api/events', async (req) => {
  const e = req.body as { town?: string; domain?: string }
  const cell = `${e.town ?? '-'}|${e.domain ?? '-'}`
  const p = redis.pipeline()
  for (const scope of ['now', 'day', 'year', 'daily', 'town', 'domain']) p.hincrby(`bare:${scope}`, cell, 1)
  p.publish('bare:updates', cell)
  await p.exec()
  return { ok: true }
})

await app.listen({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as AddressInfo
serveParent({ memory: () => memoryAfterGc() }, { port, url: `http://127.0.0.1:${port}` }, async () => {
  await app.close()
  redis.disconnect()
})
