import type { AddressInfo } from 'node:net'
import { startServer } from '../../server/main.ts'
import { serveParent, memoryAfterGc } from '../lib/child.ts'
import { NodeTracer } from '../lib/trace.ts'
import { clockMs } from '../lib/stats.ts'

// A real Lookout node, as `npm start` runs it (config from the environment the bench sets:
// REDIS_URL, AUTH=off, LOG_LEVEL), on a free loopback port. Its close-with-grace ends it on SIGTERM.

const { app } = await startServer({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as AddressInfo

// Tracing for the fan-out's per-stage breakdown (bench/lib/trace.ts): when each flush that sent a
// delta began, and when the sockets of every TRACE_EVERY-th viewer were written.
const TRACE_EVERY = 10
const tracer = new NodeTracer()
const hub = app.feedHub
const flush = hub.flush.bind(hub)
hub.flush = () => {
  const seq = hub.pending?.seq
  const at = clockMs()
  flush()
  if (seq !== undefined && hub.pending?.seq !== seq) tracer.flushed(seq, at)
}
const attach = hub.attach.bind(hub)
let attached = 0
hub.attach = (socket, opts) => {
  if (attached++ % TRACE_EVERY === 0) {
    const remotePort = (socket as unknown as { _socket?: { remotePort?: number } })._socket?.remotePort
    const send = socket.send.bind(socket)
    if (remotePort)
      socket.send = ((data: Buffer | string, ...rest: unknown[]) => {
        tracer.wrote(remotePort, data)
        return (send as (...a: unknown[]) => void)(data, ...rest)
      }) as typeof socket.send
  }
  return attach(socket, opts)
}

serveParent(
  {
    memory: () => memoryAfterGc(),
    traceReset: () => (tracer.reset(), {}),
    trace: () => ({ flushes: tracer.flushes, writes: tracer.writes }),
    feed: () => {
      const stats = app.feedHub.stats()
      return {
        seq: stats.seq,
        clients: stats.clients.length,
        backedUp: stats.clients.filter((c) => c.heldCells > 0 || c.owed).length,
      }
    },
  },
  { port, url: `http://127.0.0.1:${port}` },
  'own',
)
