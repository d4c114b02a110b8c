import type { FastifyLoggerOptions } from 'fastify'

// The server's log options: JSON lines (pino) at the configured level, with request lines that hold
// no secret. A viewer link carries its token in the address (`/?token=…`) until the redirect cleans
// it; logged as it came, every wall screen's token would sit in the log for anyone who reads it.
// The query parser decodes names (`%74oken` is `token`), so names are judged decoded here too.

/** A query name as the query parser reads it; as it is when it does not decode. */
function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '))
  } catch {
    return name
  }
}

/** One `name=value` pair of a query, its value hidden when its name is `token`, however spelled. */
function hideTokenPair(pair: string): string {
  const eq = pair.indexOf('=')
  const name = eq < 0 ? pair : pair.slice(0, eq)
  const decoded = decodedName(name)
  if (/^token$/i.test(decoded)) return eq < 0 ? pair : `${name}=[hidden]`
  // `%74oken%3D<token>`: a name that decodes to `token=…` carries the value in itself.
  if (/^token=/i.test(decoded)) return '[hidden]'
  return pair
}

/** A request's address with any `token` query value replaced. */
export function withoutToken(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  return `${url.slice(0, q + 1)}${url
    .slice(q + 1)
    .split('&')
    .map(hideTokenPair)
    .join('&')}`
}

/** A Redis URL fit for a log line or a message: its password, if any, replaced. */
export function redisUrlForLog(url: string): string {
  try {
    const parsed = new URL(url)
    if (!parsed.password) return url
    parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(a Redis URL that does not parse)'
  }
}

export function logOptions(level: string, stream?: FastifyLoggerOptions['stream']): FastifyLoggerOptions {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req) => ({
        method: req.method,
        url: withoutToken(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  }
}
