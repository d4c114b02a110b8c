import type { Answer, Call } from './procs.ts'

// The child side of bench/lib/procs.ts: answer the parent's calls, say when ready, and end with it.

export type Handlers = Record<string, (args: never) => unknown>

/**
 * Serves `handlers` to the parent and announces readiness with `info`. On SIGTERM (or when the
 * parent goes away) runs `onStop` and exits; `onStop: 'own'` when the module closes itself on SIGTERM.
 */
export function serveParent(
  handlers: Handlers,
  info: Record<string, unknown> = {},
  onStop?: (() => Promise<void>) | 'own',
): void {
  if (!process.send) throw new Error('this module runs as a forked child of bench/run.ts')
  const send = process.send.bind(process)
  process.on('message', async (msg: Call) => {
    const handler = handlers[msg.name]
    let answer: Answer
    try {
      if (!handler) throw new Error(`no call named ${msg.name}`)
      answer = { callId: msg.callId, ok: true, value: await handler(msg.args as never) }
    } catch (err) {
      answer = { callId: msg.callId, ok: false, error: (err as Error).stack ?? String(err) }
    }
    send(answer)
  })
  if (onStop === 'own') {
    // The parent died or let go: never outlive the bench.
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'))
  } else {
    let stopping = false
    const stop = async () => {
      if (stopping) return
      stopping = true
      await onStop?.().catch(() => {})
      process.exit(0)
    }
    process.on('SIGTERM', stop)
    process.on('disconnect', stop)
  }
  send({ type: 'ready', ...info })
}

/** Memory of this process after a full GC (processes are started with --expose-gc). */
export function memoryAfterGc() {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  const m = process.memoryUsage()
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }
}
