import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import { getOpenHazards, type OpenHazard } from '../api.ts'
import { useSettingsStore } from '../stores/settings.ts'

// Open hazards to pick from, newest first, limited to the reporter's towns (the server filters)
// and to a search text. The last unfiltered list is kept on the device for a yard with no signal.

const CACHE_KEY = 'lookout.entry.hazards'
const LIMIT = 30
const DEBOUNCE_MS = 300

interface CachedList {
  savedAt: number
  towns: string[]
  hazards: OpenHazard[]
}

function readCache(towns: string[]): CachedList | null {
  try {
    const list = JSON.parse(localStorage.getItem(CACHE_KEY) ?? 'null') as CachedList | null
    return list && list.towns.join(',') === towns.join(',') ? list : null
  } catch {
    return null
  }
}

export function useOpenHazards(opts: { query: Ref<string> }) {
  const settings = useSettingsStore()
  const hazards = shallowRef<OpenHazard[]>([])
  const loading = ref(false)
  const error = ref('')
  /** Set when the list shown is the saved one (no network): when it was saved. */
  const savedAt = ref<number | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let latest = 0

  async function load(): Promise<void> {
    const ask = ++latest
    const towns = [...settings.myTowns]
    const q = opts.query.value
    loading.value = true
    try {
      const list = await getOpenHazards({ towns, q, limit: LIMIT }, settings.token)
      if (ask !== latest) return // a newer search answered first
      hazards.value = list
      error.value = ''
      savedAt.value = null
      if (!q.trim()) {
        try {
          localStorage.setItem(
            CACHE_KEY,
            JSON.stringify({ savedAt: Date.now(), towns, hazards: list } satisfies CachedList),
          )
        } catch {
          /* not saved: the list still shows */
        }
      }
    } catch (err) {
      if (ask !== latest) return
      const cached = q.trim() ? null : readCache(towns)
      if (cached) {
        hazards.value = cached.hazards
        savedAt.value = cached.savedAt
        error.value = ''
      } else {
        error.value = (err as Error).message
      }
    } finally {
      if (ask === latest) loading.value = false
    }
  }

  watch(opts.query, () => {
    clearTimeout(timer)
    timer = setTimeout(load, DEBOUNCE_MS)
  })
  watch(() => settings.myTowns.join(','), load)
  onBeforeUnmount(() => clearTimeout(timer))

  return { hazards, loading, error, savedAt, load }
}
