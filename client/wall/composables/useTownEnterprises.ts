import { computed, onBeforeUnmount, onMounted, shallowRef, watch } from 'vue'
import { useWallStore } from '../stores/wall.ts'
import { RiskLevel } from '../../../shared/enums.ts'
import type { Enterprise, EnterprisesReply } from '../../../shared/api/lists.ts'
import { spacedRefresh } from './spacedRefresh.ts'

// A town's enterprises at major and significant risk (red and orange), highest first, with their
// work state: what a town's page lists in the city's ranking's place. Read from GET /api/enterprises
// when the town's risk or work counts change (at most every MIN_GAP_MS), and every REFRESH_MS.

/** The levels listed: the ones a leader asks about by name. */
export const LISTED_LEVELS = ['major', 'significant'] as const
const REFRESH_MS = 60_000
const MIN_GAP_MS = 10_000
const LIMIT = 500

const rank = (level: string) => RiskLevel.values.indexOf(level as RiskLevel)

export function useTownEnterprises() {
  const store = useWallStore()
  const list = shallowRef<Enterprise[]>([])

  async function refresh(): Promise<void> {
    const town = store.town
    if (!town) return
    try {
      const query = `towns=${encodeURIComponent(town)}&risk=${LISTED_LEVELS.join(',')}&limit=${LIMIT}`
      const res = await fetch(`/api/enterprises?${query}`, { cache: 'no-store' })
      if (!res.ok || town !== store.town) return
      const { enterprises } = (await res.json()) as EnterprisesReply
      list.value = enterprises.sort(
        (a, b) => rank(a.riskLevel) - rank(b.riskLevel) || a.name.localeCompare(b.name, 'zh'),
      )
    } catch {
      // The server is away: keep the last list (the banner says the feed is down).
    }
  }

  const spaced = spacedRefresh(refresh, MIN_GAP_MS)

  /** The town's counts a change of the list moves: registrations, risk levels, work states. */
  const signature = computed(() => {
    const s = store.summary
    if (!s) return ''
    const k = s.kpis
    return [...LISTED_LEVELS.map((l) => s.risk.total[l]), k.enterprisesStopped, k.enterprisesResumed].join(
      '|',
    )
  })
  watch(signature, spaced.soon)
  watch(
    () => store.town,
    () => {
      list.value = []
      void spaced.now()
    },
  )
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    void spaced.now()
    timer = setInterval(() => void spaced.now(), REFRESH_MS)
  })
  onBeforeUnmount(() => {
    clearInterval(timer)
    spaced.cancel()
  })
  return list
}
