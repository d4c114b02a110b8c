import WebSocket from 'ws'
import { FeedClient, type FeedClientOptions, type SocketLike } from '../../client/feed/feed-client.ts'
import type { App } from '../../server/app.ts'

/** The base URL of an app listening on a free loopback port. */
export async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  return `http://127.0.0.1:${port}`
}

/** A viewer: the same FeedClient the wall uses, over Node's `ws`. */
export function viewer(baseUrl: string, opts: Partial<FeedClientOptions> = {}): FeedClient {
  const client = new FeedClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/ws`,
    socket: (url) => new WebSocket(url) as unknown as SocketLike,
    backoffBaseMs: 50,
    backoffMaxMs: 500,
    ...opts,
  })
  client.start()
  return client
}

/** Polls `check` until it returns true (or throws with `what` after `timeoutMs`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The raw state fields of a snapshot, as a FeedClient holds them. */
export function rawState(snapshot: Record<string, unknown>) {
  const { seq, day, now, today, year, daily, ticker, overdue } = snapshot
  return { seq, day, now, today, year, daily, ticker, overdue }
}
