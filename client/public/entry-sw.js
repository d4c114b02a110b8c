// Service worker of the data-entry page (/entry): keeps the page and its built assets so the page
// opens in a yard with no signal, and the outbox (IndexedDB) can send when the network returns.
// It never touches /api/: submissions always go to the network, through the page's outbox.
// Pages: network first (a new build reaches the phone on its next load), the kept copy when offline.
// Hashed assets (/assets/…) never change: kept copy first.

const CACHE = 'lookout-entry-v1'
const PAGE = '/entry'

/**
 * Keeps a fresh copy of the page and the assets its HTML names (script, module preloads,
 * stylesheets), and drops assets of older builds.
 */
async function keepPage(cache, res) {
  const html = await res.clone().text()
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(
    (m) => new URL(m[1], self.location.origin).href,
  )
  await cache.put(PAGE, res)
  const kept = new Set((await cache.keys()).map((r) => r.url))
  await cache.addAll(assets.filter((a) => !kept.has(a)))
  for (const url of kept) {
    if (new URL(url).pathname.startsWith('/assets/') && !assets.includes(url)) await cache.delete(url)
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(async (cache) => {
        const res = await fetch(PAGE, { cache: 'no-cache' })
        if (res.ok) await keepPage(cache, res)
      })
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith('lookout-entry-') && n !== CACHE).map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const req = event.request
  const url = new URL(req.url)
  if (req.method !== 'GET' || url.origin !== self.location.origin) return
  if (req.mode === 'navigate' && (url.pathname === PAGE || url.pathname === `${PAGE}.html`)) {
    event.respondWith(
      fetch(req)
        .then(async (res) => {
          // A new build names new assets: keep them too, while online.
          if (res.ok)
            event.waitUntil(
              caches
                .open(CACHE)
                .then((cache) => keepPage(cache, res.clone()))
                .catch(() => {}),
            )
          return res
        })
        .catch(async () => (await caches.match(PAGE)) ?? Response.error()),
    )
    return
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.match(req).then(
        (kept) =>
          kept ??
          fetch(req).then(async (res) => {
            if (res.ok) await (await caches.open(CACHE)).put(req, res.clone())
            return res
          }),
      ),
    )
  }
})
