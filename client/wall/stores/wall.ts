import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import { FeedClient, type FeedStatus } from '../../feed/feed-client.ts'
import { summarize } from '../../../shared/summary.ts'
import { keepTownLines, townState } from '../../../shared/town-view.ts'
import type { RegionsReply } from '../../../shared/api/regions.ts'
import { CLOSE, type ClientMessage, type TickerItem, type WallState } from '../../../shared/protocol.ts'
import { clockOffsetMs } from '../../../shared/time.ts'
import { searchWithTown, townAsked } from '../town-address.ts'

// The one store every panel reads: the region (labels, towns, domains) and the live state from one
// FeedClient over /ws. The state is held shallowly and re-published at most every UPDATE_EVERY_MS,
// so a busy feed costs the panels and charts one update a second, not one per delta (a wall is
// read at a glance; every update re-renders charts on a screen that often has no GPU).
// On a town's page (`?town=<code>`) the panels read `shown`, the state as that town alone has it
// (shared/town-view.ts), and `summary` is worked out from it: the city's numbers for that town.

const UPDATE_EVERY_MS = 1_000
/** Updates further apart than this leave time for motion (slides, growing bars); closer ones do not. */
const CALM_MS = 3_000
const CLOCK_SLACK_MS = 1_500
const CLOCK_SYNC_MS = 10 * 60_000
const REGION_RETRY_MAX_MS = 10_000

function feedUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/ws`
}

export const useWallStore = defineStore('wall', () => {
  const region = shallowRef<RegionsReply | null>(null)
  /** The FeedClient's state object; mutated in place by deltas, so published with triggerRef. */
  const state = shallowRef<WallState | null>(null)
  const status = ref<FeedStatus>('connecting')
  /** When the data was last confirmed current (ms), as the FeedClient says. */
  const lastUpdate = ref(0)
  /** This screen's clock, ticking once a second: drives the data age, and (corrected) the clock and overdue times. */
  const now = ref(Date.now())
  /**
   * The server's clock minus this screen's, from the Date header of GET /healthz (at start and every
   * CLOCK_SYNC_MS). Screens on closed networks often run without NTP: the wall clock and the overdue
   * durations follow the server's time. Changed only when it moves by more than CLOCK_SLACK_MS, so
   * the header's one-second resolution does not make the clock jitter.
   */
  const clockOffset = ref(0)
  const serverNow = computed(() => now.value + clockOffset.value)
  /**
   * False while updates come less than CALM_MS apart: the wall then drops its motion — transitions
   * (App.vue's wall--busy), counting numbers (CountUp) and chart animations (useChart) — which would
   * otherwise run into each other and keep the screen repainting.
   */
  const calm = ref(true)
  /** The server refused this screen (no valid viewer token): said on screen instead of waiting silently. */
  const denied = ref(false)

  const townByCode = computed(() => new Map((region.value?.towns ?? []).map((t) => [t.code, t])))
  const domainById = computed(() => new Map((region.value?.domains ?? []).map((d) => [d.id, d])))

  /** The town the address asks for (`?town=`), whether or not the region has it. */
  const askedTown = ref(townAsked(location.search))
  /** The town whose page this is; null on the city's page (and until the region is known). */
  const town = computed(() =>
    askedTown.value && townByCode.value.has(askedTown.value) ? askedTown.value : null,
  )
  /** A town the address asks for that the region does not have: the wall says so and shows the city. */
  const unknownTown = computed(() =>
    region.value && askedTown.value && !townByCode.value.has(askedTown.value) ? askedTown.value : null,
  )
  /** The town's ticker lines as this screen has kept them (keepTownLines): a quiet town's stay. */
  const townLines = shallowRef<TickerItem[]>([])

  /** The state the page shows: the city's, or the town's. A new object each publish, so views follow. */
  const shown = computed<WallState | null>(() => {
    const s = state.value
    if (!s) return null
    return town.value ? { ...townState(s, town.value), ticker: townLines.value } : { ...s }
  })
  const summary = computed(() => (shown.value && region.value ? summarize(shown.value, region.value) : null))

  let feed: FeedClient | null = null
  let running = false
  let clockTimer: ReturnType<typeof setInterval> | undefined
  let publishTimer: ReturnType<typeof setTimeout> | undefined
  let regionTimer: ReturnType<typeof setTimeout> | undefined
  let clockSyncTimer: ReturnType<typeof setInterval> | undefined
  let lastPublish = -Infinity

  function publish(): void {
    publishTimer = undefined
    calm.value = performance.now() - lastPublish >= CALM_MS
    lastPublish = performance.now()
    const next = feed?.state ?? null
    if (next && town.value) townLines.value = keepTownLines(townLines.value, next, town.value)
    if (next === state.value) triggerRef(state)
    else state.value = next
  }

  /** Shows `code`'s page, or the city's (null), and puts it in the address so Back and a reload follow. */
  function openTown(code: string | null): void {
    if (code === askedTown.value) return
    history.pushState(history.state, '', `${location.pathname}${searchWithTown(location.search, code)}`)
    followAddress()
  }

  /** The address changed (openTown, or Back and Forward): show the town it names. */
  function followAddress(): void {
    askedTown.value = townAsked(location.search)
    townLines.value = state.value && town.value ? keepTownLines([], state.value, town.value) : []
  }

  /** At most one publish per UPDATE_EVERY_MS; the first change after a quiet spell goes out at once. */
  function schedulePublish(): void {
    if (publishTimer !== undefined) return
    publishTimer = setTimeout(publish, Math.max(0, lastPublish + UPDATE_EVERY_MS - performance.now()))
  }

  function tick(): void {
    now.value = Date.now()
    if (feed) lastUpdate.value = feed.lastUpdate
  }

  const refused = (res: Response) => res.status === 401 || res.status === 403

  async function loadRegion(attempt = 0): Promise<void> {
    try {
      const res = await fetch('/api/regions')
      denied.value = refused(res)
      if (!res.ok) throw new Error(`GET /api/regions answered ${res.status}`)
      region.value = (await res.json()) as RegionsReply
    } catch {
      // The server may be restarting: try again, backing off, for as long as the wall runs.
      if (!running) return
      const wait = Math.min(REGION_RETRY_MAX_MS, 500 * 2 ** attempt)
      await new Promise<void>((resolve) => (regionTimer = setTimeout(resolve, wait)))
      if (running) return loadRegion(attempt + 1)
    }
  }

  async function checkAccess(): Promise<void> {
    try {
      const res = await fetch('/api/regions', { cache: 'no-store' })
      denied.value = refused(res)
    } catch {
      // The server is away: that is what the banner already says.
    }
  }

  async function syncClock(): Promise<void> {
    try {
      const sent = Date.now()
      const res = await fetch('/healthz', { cache: 'no-store' })
      const offset = clockOffsetMs(res.headers.get('date'), sent, Date.now())
      if (offset !== null && Math.abs(offset - clockOffset.value) > CLOCK_SLACK_MS) clockOffset.value = offset
    } catch {
      // The server is away: keep the last offset, try again at the next sync.
    }
  }

  async function start(): Promise<void> {
    if (running) return
    running = true
    clockTimer = setInterval(tick, 1000)
    window.addEventListener('popstate', followAddress)
    clockSyncTimer = setInterval(() => void syncClock(), CLOCK_SYNC_MS)
    void syncClock()
    await loadRegion()
    if (!running) return
    feed = new FeedClient({
      url: feedUrl(),
      onState: schedulePublish,
      onStatus: (s) => {
        status.value = s
        tick()
        if (s === 'live') denied.value = false
      },
      // Refused as unauthorised (4401), at once or on a reconnect: the screen's token was revoked or
      // has expired. Ask the server, so the banner says so instead of "reconnecting" for ever.
      onClose: (code) => {
        if (code === CLOSE.unauthorized) void checkAccess()
      },
    })
    feed.start()
  }

  function stop(): void {
    running = false
    feed?.stop()
    feed = null
    clearInterval(clockTimer)
    clearInterval(clockSyncTimer)
    clearTimeout(publishTimer)
    clearTimeout(regionTimer)
    window.removeEventListener('popstate', followAddress)
    publishTimer = undefined
  }

  function send(msg: ClientMessage): void {
    feed?.send(msg)
  }

  /** Reconnects since the page loaded (for the health report). */
  const reconnects = () => feed?.reconnects ?? 0

  return {
    region,
    state,
    status,
    lastUpdate,
    now,
    serverNow,
    denied,
    calm,
    summary,
    shown,
    town,
    unknownTown,
    openTown,
    townByCode,
    domainById,
    start,
    stop,
    send,
    reconnects,
  }
})
