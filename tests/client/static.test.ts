import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { afterAll, expect, test } from 'vitest'
import staticPlugin from '../../server/plugins/static.ts'

// Serving the built client: pages revalidated on every load, hashed assets cached for good,
// and a clear answer instead of a crash when nobody ran the build.

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function builtClient(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-client-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>wall</title>')
  writeFileSync(join(dir, 'entry.html'), '<!doctype html><title>entry</title>')
  writeFileSync(join(dir, 'assets', 'wall-AbC123.js'), 'console.log(1)')
  return dir
}

async function appWith(root: string) {
  const app = Fastify()
  await app.register(staticPlugin, { root })
  await app.ready()
  return app
}

test('the wall is served at / and revalidated on every load; hashed assets are cached as immutable', async () => {
  const app = await appWith(builtClient())
  const page = await app.inject('/')
  expect(page.statusCode).toBe(200)
  expect(page.body).toContain('<title>wall</title>')
  expect(page.headers['cache-control']).toBe('no-cache')
  const asset = await app.inject('/assets/wall-AbC123.js')
  expect(asset.statusCode).toBe(200)
  expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  expect((await app.inject('/entry')).body).toContain('<title>entry</title>')
  await app.close()
})

test('without a build, / answers 503 with how to fix it, and the server still starts', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'lookout-client-'))
  dirs.push(empty)
  const app = await appWith(empty)
  const res = await app.inject('/')
  expect(res.statusCode).toBe(503)
  expect(res.body).toMatch(/run npm run build/)
  await app.close()
})
