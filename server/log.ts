import type { FastifyLoggerOptions } from 'fastify'

// The server's log options: JSON lines (pino) at the configured level, with request lines that hold
// no secret. A viewer link carries its token in the address (`/?token=…`) until the redirect cleans
// it; logged as it came, every wall screen's token would sit in the log for anyone who reads it.

const TOKEN_IN_QUERY = /([?&]token=)[^&#]*/gi

/** A request's address with any `token` query value replaced. */
export const withoutToken = (url: string) => url.replace(TOKEN_IN_QUERY, '$1[hidden]')

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
