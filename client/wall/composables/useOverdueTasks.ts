import { computed, onBeforeUnmount, onMounted, shallowRef, watch } from 'vue'
import type { OverdueTasksReply } from '../../../shared/mandates/api.ts'
import { useWallStore } from '../stores/wall.ts'

// The work items past their due date and not done (GET /api/tasks/overdue, judged by the server's
// day in region time): asked again when any work-list cell moves in the live cells, when the
// region's day turns, and every few minutes.

const REFRESH_MS = 5 * 60_000
const RETRY_MS = 10_000

export function useOverdueTasks() {
  const store = useWallStore()
  const reply = shallowRef<OverdueTasksReply | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  async function load(): Promise<void> {
    clearTimeout(timer)
    let wait = REFRESH_MS
    try {
      const res = await fetch('/api/tasks/overdue', { cache: 'no-store' })
      if (!res.ok) throw new Error(`GET /api/tasks/overdue answered ${res.status}`)
      reply.value = (await res.json()) as OverdueTasksReply
    } catch {
      wait = RETRY_MS // the server is away: the banner says so; the last list stays
    }
    if (!stopped) timer = setTimeout(() => void load(), wait)
  }

  /** The work-list cells as one text: it changes whenever an item is defined or moves. */
  const signature = computed(() => {
    const year = store.state?.year ?? {}
    return Object.keys(year)
      .filter((k) => k.startsWith('task.'))
      .map((k) => `${k}=${year[k]}`)
      .join(',')
  })
  watch([signature, () => store.state?.day], () => void load())
  onMounted(() => void load())
  onBeforeUnmount(() => {
    stopped = true
    clearTimeout(timer)
  })
  return reply
}
