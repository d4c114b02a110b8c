import type { IncomingHttpHeaders } from 'node:http'

// Browsers name the page's origin on websocket upgrades and on cross-site (and most same-site)
// writes; a page elsewhere must not drive a wall screen's socket or a reporter's cookie.
// Tools (curl, Prometheus, enterprise systems, Node clients) send no Origin: nothing to check.

/** Lower-case `scheme://host[:port]`, default ports dropped, as browsers send it. */
export function normalOrigin(origin: string): string | null {
  try {
    const url = new URL(origin)
    return `${url.protocol}//${url.host}`
  } catch {
    return null
  }
}

/**
 * Checks a request's Origin header: allowed when absent, when it names the host the request was
 * sent to (this server's own pages), or when it is one of `allowed`. Returns the refused origin.
 */
export function foreignOrigin(headers: IncomingHttpHeaders, allowed: string[]): string | null {
  const origin = headers.origin
  if (origin === undefined) return null
  const normal = normalOrigin(origin)
  if (normal === null) return origin
  if (allowed.some((a) => normalOrigin(a) === normal)) return null
  // Own host: the Host header, compared without the scheme (TLS may end at a proxy in front).
  const own = headers.host === undefined ? null : normalOrigin(`http://${headers.host}`)
  return own !== null && new URL(normal).host === new URL(own).host ? null : origin
}
