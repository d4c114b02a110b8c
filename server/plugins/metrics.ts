import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

// Prometheus metrics, one registry per app (tests run several apps in one process).

function createMetrics(register: Registry) {
  const registers = [register]
  return {
    register,
    eventsApplied: new Counter({
      name: 'lookout_events_applied_total',
      help: 'Events applied (duplicates excluded)',
      registers,
    }),
    ingestSeconds: new Histogram({
      name: 'lookout_ingest_duration_seconds',
      help: 'POST /api/events latency, from request to reply',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    wsClients: new Gauge({ name: 'lookout_ws_clients', help: 'Connected websocket clients', registers }),
    wsMessages: new Counter({
      name: 'lookout_ws_messages_sent_total',
      help: 'Websocket messages sent',
      labelNames: ['type'],
      registers,
    }),
    wsBytes: new Counter({ name: 'lookout_ws_bytes_sent_total', help: 'Websocket bytes sent', registers }),
    flushes: new Counter({ name: 'lookout_ws_flushes_total', help: 'Coalesced delta flushes', registers }),
    resyncs: new Counter({
      name: 'lookout_ws_resyncs_total',
      help: 'Snapshots sent after a resync request, gap or digest mismatch',
      registers,
    }),
    badFrames: new Counter({
      name: 'lookout_ws_bad_frames_total',
      help: 'Viewer sockets closed for a frame that is not a message a viewer may send',
      labelNames: ['reason'],
      registers,
    }),
    badPublishes: new Counter({
      name: 'lookout_feed_bad_publishes_total',
      help: 'Messages on the updates channel that are not a publish of the ingest scripts (ignored; the node reloads)',
      registers,
    }),
    slowDrops: new Counter({
      name: 'lookout_ws_slow_client_drops_total',
      help: 'Clients closed because their socket stayed backed up',
      registers,
    }),
    feedLive: new Gauge({
      name: 'lookout_feed_live',
      help: '1 while this node is subscribed to Redis updates',
      registers,
    }),
    wallHeapMb: new Gauge({
      name: 'lookout_wall_heap_mb',
      help: 'JS heap reported by each wall screen',
      labelNames: ['screen'],
      registers,
    }),
    wallFps: new Gauge({
      name: 'lookout_wall_fps',
      help: 'Frame rate reported by each wall screen',
      labelNames: ['screen'],
      registers,
    }),
    wallSeq: new Gauge({
      name: 'lookout_wall_seq',
      help: 'Last seq held by each wall screen',
      labelNames: ['screen'],
      registers,
    }),
    wallReconnects: new Gauge({
      name: 'lookout_wall_reconnects',
      help: 'Reconnects of each wall screen since it loaded',
      labelNames: ['screen'],
      registers,
    }),
  }
}
export type Metrics = ReturnType<typeof createMetrics>

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

export default fp(
  async (app) => {
    const register = new Registry()
    collectDefaultMetrics({ register })
    const metrics = createMetrics(register)
    app.decorate('metrics', metrics)

    app.addHook('onResponse', async (req, reply) => {
      if (req.routeOptions.url === '/api/events' && req.method === 'POST') {
        metrics.ingestSeconds.observe(reply.elapsedTime / 1000)
      }
    })

    const schema = {
      description:
        'Prometheus text: events applied, ingest latency, websocket clients, messages and bytes sent, ' +
        "flushes, resyncs, refused frames, slow-client drops, and each wall screen's heap, fps, seq and reconnects.",
      produces: ['text/plain'],
      response: { 200: { type: 'string', description: 'Prometheus text exposition format' } },
    }
    app.get('/metrics', { logLevel: 'warn', schema }, async (_req, reply) => {
      reply.header('content-type', register.contentType)
      return register.metrics()
    })
  },
  { name: 'metrics' },
)
