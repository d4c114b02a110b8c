import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { LookoutEvent } from '../../../shared/events.ts'
import { sendEvent } from '../api.ts'
import { OutboxDb, type HistoryEntry, type OutboxItem, type SubmissionContext } from '../outbox/db.ts'
import { OutboxSender, type SenderState } from '../outbox/sender.ts'
import { useSettingsStore } from './settings.ts'

// The page's view of the outbox: what waits to be sent, what the server answered, and the sender's
// state. Sending starts on load, after each submission, when the network returns and when the
// token changes; other open tabs of this page hear of every change.

const CHANNEL = 'lookout-entry-outbox'
const LOCK = 'lookout-entry-sender'

export const useOutboxStore = defineStore('outbox', () => {
  const settings = useSettingsStore()
  const pending = shallowRef<OutboxItem[]>([])
  const history = shallowRef<HistoryEntry[]>([])
  const state = shallowRef<SenderState>({ kind: 'idle' })
  const storageError = ref('')
  /** Ticks every second while a retry is scheduled, for the countdown. */
  const now = ref(Date.now())
  let db: OutboxDb | null = null
  let sender: OutboxSender | null = null
  let channel: BroadcastChannel | null = null
  let ticker: ReturnType<typeof setInterval> | undefined

  async function refresh(): Promise<void> {
    if (!db) return
    ;[pending.value, history.value] = await Promise.all([db.pending(), db.history()])
  }

  const wakeNow = () => sender?.wake({ resetBackoff: true })
  const onVisible = () => {
    if (document.visibilityState === 'visible') void refresh().then(wakeNow)
  }

  async function start(): Promise<void> {
    try {
      db = await OutboxDb.open()
    } catch (err) {
      storageError.value = (err as Error).message
      return
    }
    channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
    // Another tab changed the outbox: show it. That tab sends what it added; waking here would echo forever.
    channel?.addEventListener('message', () => void refresh())
    sender = new OutboxSender({
      outbox: db,
      send: (event, timeoutMs) => sendEvent(event, settings.token, timeoutMs),
      onChange: (s) => {
        state.value = s
        now.value = Date.now()
        void refresh()
        channel?.postMessage('changed')
      },
      // Web Locks exist only in secure contexts; without them two tabs may both send, which the server dedupes.
      withLock: navigator.locks ? (fn) => navigator.locks.request(LOCK, fn) : undefined,
    })
    window.addEventListener('online', wakeNow)
    window.addEventListener('offline', wakeNow)
    document.addEventListener('visibilitychange', onVisible)
    ticker = setInterval(() => {
      if (state.value.kind === 'waiting') now.value = Date.now()
    }, 1000)
    await refresh()
    sender.wake()
  }

  function stop(): void {
    sender?.stop()
    channel?.close()
    clearInterval(ticker)
    window.removeEventListener('online', wakeNow)
    window.removeEventListener('offline', wakeNow)
    document.removeEventListener('visibilitychange', onVisible)
  }

  /** Puts a checked event in the outbox (first, before any sending) and starts sending. */
  async function submit(event: LookoutEvent, context: SubmissionContext = {}): Promise<void> {
    if (!db) throw new Error(storageError.value || 'outbox not open')
    await db.add(event, context)
    await refresh()
    channel?.postMessage('changed')
    sender?.wake()
  }

  // A new token may be the one the server wanted: try again at once.
  watch(
    () => settings.token,
    () => wakeNow(),
  )

  /** Refusals the reporter has not been shown: the bar says how many until they look. */
  const unseenRefusals = computed(() => history.value.filter((h) => h.unseen).length)

  async function acknowledgeRefusals(): Promise<void> {
    await db?.markRefusalsSeen()
    await refresh()
    channel?.postMessage('changed')
  }

  const retryInSeconds = computed(() =>
    state.value.kind === 'waiting' ? Math.max(0, Math.ceil((state.value.retryAt - now.value) / 1000)) : 0,
  )

  return {
    pending,
    history,
    state,
    storageError,
    retryInSeconds,
    unseenRefusals,
    acknowledgeRefusals,
    start,
    stop,
    submit,
    retryNow: wakeNow,
  }
})
