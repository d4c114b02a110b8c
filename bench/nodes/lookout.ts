import type { AddressInfo } from 'node:net'
import { startServer } from '../../server/main.ts'
import { serveParent, memoryAfterGc } from '../lib/child.ts'

// A real Lookout node, as `npm start` runs it (config from the environment the bench sets:
// REDIS_URL, AUTH=off, LOG_LEVEL), on a free loopback port. Its close-with-grace ends it on SIGTERM.

const { app } = await startServer({ port: 0, host: '127.0.0.1' })
const { port } = app.server.address() as AddressInfo

serveParent(
  {
    memory: () => memoryAfterGc(),
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
