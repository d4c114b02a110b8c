import type { IncomingHttpHeaders } from 'node:http'
import type { WebSocket } from 'ws'
import { CLOSE } from '../../shared/protocol.ts'
import { foreignOrigin } from './origin.ts'
import type { TokenStore, Verdict } from './tokens.ts'

// Admission to the live feed. The route asks the gate, and only an admitted socket reaches the hub,
// so the hub holds no auth logic and an unauthenticated socket is sent nothing at all.
// A browser wall brings its token in the cookie its viewer link set; other clients send
// { type: 'auth', token } as their first message. A token in the URL is never taken: URLs end up in logs.

export interface SocketGateOptions {
  /** null: auth is off (only the Origin is checked). */
  tokens: TokenStore | null
  allowedOrigins: string[]
  /** How long a socket may stay silent before its auth message. */
  authTimeoutMs: number
}

/** Close reasons must fit in 123 bytes. */
const reason = (text: string) => Buffer.from(text).subarray(0, 123).toString()

export class SocketGate {
  /** Admitted sockets and the token each came with: closed when that token is revoked or expires. */
  private readonly admitted = new Map<WebSocket, string>()

  constructor(private readonly opts: SocketGateOptions) {}

  /**
   * Decides about a new socket, synchronously where it can: `attach` runs once it is admitted, in the
   * same tick as the auth message, so every later message reaches the hub's listener.
   * `fromRequest` is what the upgrade request's own credential (cookie or Authorization header) was.
   */
  admit(
    socket: WebSocket,
    headers: IncomingHttpHeaders,
    fromRequest: Verdict | null,
    attach: () => void,
  ): void {
    const origin = foreignOrigin(headers, this.opts.allowedOrigins)
    if (origin !== null) return socket.close(CLOSE.forbiddenOrigin, reason(`origin ${origin} is not allowed`))
    const { tokens } = this.opts
    if (!tokens) return attach()
    if (fromRequest?.ok) return this.enter(socket, fromRequest.record.id, attach)

    const timer = setTimeout(
      () => refuse('no token: send {"type":"auth","token":…} first'),
      this.opts.authTimeoutMs,
    )
    const refuse = (why: string) => {
      clearTimeout(timer)
      socket.off('message', onFirst)
      socket.close(CLOSE.unauthorized, reason(why))
    }
    const onFirst = (data: unknown) => {
      let msg: unknown
      try {
        msg = JSON.parse(String(data))
      } catch {
        msg = null
      }
      const token =
        (msg as { type?: unknown; token?: unknown } | null)?.type === 'auth'
          ? (msg as { token?: unknown }).token
          : undefined
      if (typeof token !== 'string') return refuse('the first message must be {"type":"auth","token":…}')
      const verdict = tokens.verify(token)
      if (!verdict.ok) return refuse(verdict.reason)
      clearTimeout(timer)
      socket.off('message', onFirst)
      this.enter(socket, verdict.record.id, attach)
    }
    socket.on('message', onFirst)
    socket.once('close', () => clearTimeout(timer))
  }

  private enter(socket: WebSocket, tokenId: string, attach: () => void): void {
    this.admitted.set(socket, tokenId)
    socket.once('close', () => this.admitted.delete(socket))
    attach()
  }

  /** Closes the sockets whose token was revoked or has expired since they were admitted. */
  sweep(now = Date.now()): void {
    const { tokens } = this.opts
    if (!tokens) return
    tokens.refresh()
    for (const [socket, id] of this.admitted) {
      if (tokens.stillValid(id, now)) continue
      this.admitted.delete(socket)
      socket.close(CLOSE.unauthorized, 'token revoked or expired')
    }
  }
}
