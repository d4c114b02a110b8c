import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import type { ListQuery } from '../api.ts'
import { failureKind, failureReason, savedListWillDo } from '../failure.ts'
import { useSettingsStore } from '../stores/settings.ts'
import { useRegionStore } from '../stores/region.ts'
import { searchText } from '../../../shared/search.ts'
import { readSaved, saveList, SAVED } from '../saved-lists.ts'

// A list the reporter picks from (open hazards, enterprises), as the server answers it: limited to
// the reporter's towns (the server filters) and to a search text, asked again as the text changes.
// The last unfiltered list is kept on the device for a yard with no signal: with no network, a
// search looks through that list instead (as the server would), and the page says so.

const LIMIT = 30
const DEBOUNCE_MS = 300

export interface ServerListOptions<T> {
  query: Ref<string>
  /** Where the last unfiltered list is kept (localStorage). */
  cacheKey: string
  fetch: (query: ListQuery, token: string) => Promise<T[]>
  /** Whether an item matches a search text (shared/search.ts: what the server's search finds). */
  matches: (item: T, q: string) => boolean
  limit?: number
}

export function useServerList<T>(opts: ServerListOptions<T>) {
  const settings = useSettingsStore()
  const region = useRegionStore()
  const items = shallowRef<T[]>([])
  const loading = ref(false)
  /** Why the last search failed ('' when it did not). */
  const error = ref('')
  /** The last search failed without an answer from the server (no network, timeout). */
  const offline = ref(false)
  /** Set when the list shown is the saved one (no network, or the server could not read): when it was saved. */
  const savedAt = ref<number | null>(null)
  /** Why the last search failed: no network, no answer in time, or the server could not read ('' when it did not fail). */
  const why = ref<'' | 'network' | 'timeout' | 'server'>('')
  /** The search text the shown saved list answers ('' for all of it). */
  const savedSearch = ref('')
  /** More matched than are shown: the page says so, so nobody takes the list for all of them. */
  const more = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  let latest = 0

  async function load(): Promise<void> {
    const ask = ++latest
    const towns = [...region.listTowns]
    const q = opts.query.value
    const limit = opts.limit ?? LIMIT
    loading.value = true
    try {
      // A search asks for one more than it shows, to know whether there are more.
      const list = await opts.fetch({ towns, q, limit: q.trim() ? limit + 1 : SAVED }, settings.token)
      if (ask !== latest) return // a newer search answered first
      items.value = list.slice(0, limit)
      more.value = list.length > limit
      error.value = ''
      offline.value = false
      why.value = ''
      savedAt.value = null
      if (!q.trim()) saveList(opts.cacheKey, towns, list)
    } catch (err) {
      if (ask !== latest) return
      // With no answer, or a server that could not read: a refused token or a bad search says why.
      const kind = failureKind(err)
      why.value = savedListWillDo(kind) ? kind : ''
      const cached = why.value ? readSaved<T>(opts.cacheKey, towns) : null
      if (cached) {
        const text = searchText(q)
        const found = text ? cached.items.filter((item) => opts.matches(item, text)) : cached.items
        items.value = found.slice(0, limit)
        more.value = found.length > limit
        savedAt.value = cached.savedAt
        savedSearch.value = text
        error.value = ''
        offline.value = true
      } else {
        // What was shown stays: the reporter may still pick from it (no longer called the saved list).
        savedAt.value = null
        error.value = failureReason(err)
        offline.value = why.value === 'network'
      }
    } finally {
      if (ask === latest) loading.value = false
    }
  }

  watch(opts.query, () => {
    clearTimeout(timer)
    timer = setTimeout(load, DEBOUNCE_MS)
  })
  // Other towns, or a token pasted after a refusal: ask again.
  watch(() => `${region.listTowns.join(',')}|${settings.token}`, load)
  onBeforeUnmount(() => clearTimeout(timer))

  return { items, loading, error, offline, why, savedAt, savedSearch, more, load }
}

/** A list as useServerList keeps it: SearchPicker shows it whole. */
export type ServerList<T> = ReturnType<typeof useServerList<T>>
