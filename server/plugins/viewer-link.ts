import fp from 'fastify-plugin'
import { isDataPath } from '../auth/policy.ts'
import { COOKIE_SET_DAY, TOKEN_COOKIE, epochDay, keepTokenCookie, unauthorized } from './tokens.ts'

// A viewer link (`/?token=…`) provisions a screen once: the token goes into a long-lived HttpOnly
// cookie and the address bar is cleaned by a redirect, so the token is not left on screen or in
// history. The cookie is renewed now and then, so a screen that never reloads keeps working.

const RENEW_AFTER_DAYS = 30

/** What a browser shows for a viewer link whose token does not work: in both languages, no script. */
function badLinkPage(reason: string): string {
  const escaped = reason.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>链接无效 · Link does not work</title></head>
<body>
<h1>此链接的令牌无效</h1>
<p>请向管理员索取新的查看链接，并在这块屏幕上打开一次。</p>
<h1 lang="en">This link's token does not work</h1>
<p lang="en">Ask an administrator for a new viewer link and open it once on this screen.</p>
<p lang="en"><small>(${escaped})</small></p>
</body></html>
`
}

export default fp(
  async (app) => {
    const tokens = app.tokenStore

    app.addHook('onRequest', async (req, reply) => {
      let url: URL
      try {
        url = new URL(req.url, 'http://link')
      } catch {
        return reply.code(400).send({ error: 'the address does not parse' })
      }
      if (req.method !== 'GET' || isDataPath(url.pathname)) return
      const token = url.searchParams.get('token')
      if (token === null) return
      url.searchParams.delete('token')
      // One leading slash: `/.//host` must not become a redirect to another site.
      const target = `/${url.pathname.replace(/^\/+/, '')}${url.search}`
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
      if (tokens) {
        const verdict = tokens.verify(token)
        if (!verdict.ok) {
          const error = `this link's token does not work (${verdict.reason}): ask for a new link`
          // Opened in a browser (a wall screen, a leader's laptop): a page that says so, not JSON.
          if (req.headers.accept?.includes('text/html')) {
            return reply.code(401).type('text/html; charset=utf-8').send(badLinkPage(verdict.reason))
          }
          return unauthorized(reply, error)
        }
        keepTokenCookie(req, reply, token, verdict.record)
      }
      return reply.redirect(target, 303)
    })

    // A screen on a viewer link: its cookie renewed a month after it was last set. The wall asks
    // /healthz every few minutes, so a screen that never reloads is renewed too.
    app.addHook('onRequest', async (req, reply) => {
      const token = req.cookies[TOKEN_COOKIE]
      // Not on a hashed asset: it is served cacheable for a year, and must not carry the token.
      if (!tokens || !token || req.headers.authorization !== undefined || req.url.startsWith('/assets/'))
        return
      const setDay = Number(req.cookies[COOKIE_SET_DAY])
      if (setDay > epochDay() - RENEW_AFTER_DAYS) return
      const verdict = app.credentialOf(req)
      if (verdict?.ok) keepTokenCookie(req, reply, token, verdict.record)
    })
  },
  { name: 'viewer-link', dependencies: ['tokens'] },
)
