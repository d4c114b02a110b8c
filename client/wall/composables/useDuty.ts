import { computed, onBeforeUnmount, onMounted, shallowRef, watch } from 'vue'
import type { DutyReply } from '../../../shared/mandates/api.ts'
import { DUTY_CELL } from '../../../shared/mandates/duty.ts'
import { useWallStore } from '../stores/wall.ts'

// Who is on duty now (GET /api/duty): the server decides by its clock in region time, so a screen
// whose own clock is off still switches at the handover. Asked again at the handover the reply
// names (timed by the server's own `now`, not this screen's clock), when the roster changes (the
// gauge duty.n moves in the live cells), and every few minutes in case a timer was lost.

const RETRY_MS = 10_000
const REFRESH_MS = 5 * 60_000
/** Asked this long after the handover, so the server's clock has surely passed it. */
const AFTER_HANDOVER_MS = 1_000

export function useDuty() {
  const store = useWallStore()
  const duty = shallowRef<DutyReply | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  const schedule = (ms: number) => {
    clearTimeout(timer)
    if (!stopped) timer = setTimeout(() => void load(), ms)
  }

  async function load(): Promise<void> {
    try {
      const res = await fetch('/api/duty', { cache: 'no-store' })
      if (!res.ok) throw new Error(`GET /api/duty answered ${res.status}`)
      const reply = (await res.json()) as DutyReply
      duty.value = reply
      schedule(Math.min(REFRESH_MS, Math.max(AFTER_HANDOVER_MS, reply.until - reply.now + AFTER_HANDOVER_MS)))
    } catch {
      // The server is away: the banner says so; the last pair stays until it answers.
      schedule(RETRY_MS)
    }
  }

  const revision = computed(() => store.state?.now[DUTY_CELL] ?? 0)
  watch(revision, () => void load())
  onMounted(() => void load())
  onBeforeUnmount(() => {
    stopped = true
    clearTimeout(timer)
  })
  return duty
}
