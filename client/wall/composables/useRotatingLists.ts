import { onBeforeUnmount, onMounted, shallowRef, watch } from 'vue'
import { useWallStore } from '../stores/wall.ts'
import type { OverdueItem } from '../../../shared/protocol.ts'
import type { AccidentRecord } from '../../../shared/accident-list.ts'
import { spacedRefresh } from './spacedRefresh.ts'

// What the rotating list panel pages through beyond the live state: every overdue hazard (the state
// carries the oldest LIMITS.overdueListLength), the open major hazards, and this year's accidents.
// Read from the API when the counts they belong to change, and every REFRESH_MS. On a town's page,
// the town's lists (the counts are then the town's too).

const REFRESH_MS = 60_000
/** A busy feed changes the counts every second: read at most this often. */
const MIN_GAP_MS = 10_000

/** An open hazard as GET /api/hazards lists it (the fields the wall shows). */
export interface ListedHazard {
  hazardId: string
  title: string
  town: string
  domain: string
  grade: string
  status: string
  deadline: number
  enterprise?: string
  overdue: boolean
}

async function read<T>(path: string, field: string): Promise<T[] | null> {
  try {
    const res = await fetch(path, { cache: 'no-store' })
    if (!res.ok) return null
    return ((await res.json()) as Record<string, T[]>)[field] ?? null
  } catch {
    return null // the server is away: keep the last lists
  }
}

export function useRotatingLists() {
  const store = useWallStore()
  const overdue = shallowRef<OverdueItem[] | null>(null)
  const major = shallowRef<ListedHazard[]>([])
  const accidents = shallowRef<AccidentRecord[]>([])

  const spaced = spacedRefresh(refresh, MIN_GAP_MS)

  async function refresh(): Promise<void> {
    const town = store.town
    const towns = town ? `&towns=${encodeURIComponent(town)}` : ''
    const [o, m, a] = await Promise.all([
      read<ListedHazard>(`/api/hazards?overdue=true&limit=500${towns}`, 'hazards'),
      read<ListedHazard>(`/api/hazards?grade=major&limit=500${towns}`, 'hazards'),
      read<AccidentRecord>(`/api/accidents?limit=500${towns}`, 'accidents'),
    ])
    // Another page was opened meanwhile: its own refresh brings its lists.
    if (town !== store.town) return
    if (o) overdue.value = o.sort((x, y) => x.deadline - y.deadline)
    if (m) major.value = m.sort((x, y) => x.deadline - y.deadline)
    if (a) accidents.value = a
  }

  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    void spaced.now()
    timer = setInterval(() => void spaced.now(), REFRESH_MS)
  })
  onBeforeUnmount(() => {
    clearInterval(timer)
    spaced.cancel()
  })
  watch(() => {
    const k = store.summary?.kpis
    return k ? `${k.hazardsOverdue}|${k.majorHazardsOpen}|${k.accidentsYtd}` : ''
  }, spaced.soon)
  // Another page: the last one's lists are not this one's.
  watch(
    () => store.town,
    () => {
      overdue.value = null
      major.value = []
      accidents.value = []
      void spaced.now()
    },
  )
  return { overdue, major, accidents }
}
