import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { serveParent, memoryAfterGc } from '../lib/child.ts'
import { clockMs } from '../lib/stats.ts'

// Baseline: a bare `ws` server broadcasting one ~1 KB JSON message at 10 Hz to every client,
// stamped with its send time so clients can measure delivery.

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
const { port } = wss.address() as AddressInfo
let timer: ReturnType<typeof setInterval> | undefined
let seq = 0

// ~1 KB of cells, like a delta of a busy second.
const cells = Object.fromEntries(
  Array.from({ length: 25 }, (_, i) => [`hz.found|3212831${String(i).padStart(2, '0')}|fire|general`, i * 7]),
)

function broadcast(): void {
  const json = JSON.stringify({ type: 'tick', seq: ++seq, t: clockMs(), cells })
  for (const client of wss.clients) if (client.readyState === 1) client.send(json)
}

serveParent(
  {
    memory: () => memoryAfterGc(),
    clients: () => wss.clients.size,
    start: (args: { hz: number }) => {
      clearInterval(timer)
      timer = setInterval(broadcast, 1000 / args.hz)
      return { bytes: Buffer.byteLength(JSON.stringify({ type: 'tick', seq, t: clockMs(), cells })) }
    },
    stop: () => {
      clearInterval(timer)
      return {}
    },
  },
  { port, url: `ws://127.0.0.1:${port}` },
  async () => {
    clearInterval(timer)
    for (const c of wss.clients) c.terminate()
    wss.close()
  },
)
