import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'

// Serves the built client (vite build → dist/client): the wall at `/`, later pages by name
// (`/entry` → entry.html). Hashed assets never change, so browsers may keep them for a year;
// pages are revalidated every time so a new build reaches every screen on its next load.

export interface StaticOptions {
  /** The built client; defaults to dist/client at the repository root. */
  root?: string
}

const DEFAULT_ROOT = fileURLToPath(new URL('../../dist/client', import.meta.url))
const NOT_BUILT = 'The pages are not built yet: run npm run build\n'

export default fp<StaticOptions>(
  async (app, opts) => {
    const root = opts.root ?? DEFAULT_ROOT
    if (!existsSync(`${root}/index.html`)) {
      // The API keeps working; only the pages are missing. Say how to fix it instead of crashing.
      app.log.warn(`no built client at ${root}: run npm run build`)
      for (const page of ['/', '/readiness', '/entry'])
        app.get(
          page,
          { schema: { hide: true, response: { 503: { type: 'string' } } } },
          async (_req, reply) => reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT),
        )
      return
    }
    await app.register(fastifyStatic, {
      root,
      index: ['index.html'],
      extensions: ['html'],
      cacheControl: false,
      setHeaders(reply, path) {
        const hashed = /[\\/]assets[\\/]/.test(path)
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })
  },
  { name: 'static' },
)
