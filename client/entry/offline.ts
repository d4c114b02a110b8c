// The page itself must open with no signal (the outbox is only useful if the page that sends it
// loads): a service worker keeps the page and its assets. Browsers allow service workers on https
// and on localhost only; on plain http the page still works, just not when opened offline.

/** The worker script, at the site root (client/public/entry-sw.js), controlling /entry only. */
const WORKER_URL = '/entry-sw.js'

export function registerOfflinePage(): void {
  if (!('serviceWorker' in navigator)) return
  navigator.serviceWorker.register(WORKER_URL, { scope: '/entry' }).catch((err: unknown) => {
    console.warn('offline page not available:', err)
  })
}
