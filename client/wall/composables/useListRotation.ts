import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'

// Lists that do not fit rotate instead of saying "N more not shown": a page at a time, each shown
// for `?rotate=<seconds>` (default DEFAULT_ROTATE_S); `?rotate=0` stops on the first page.

export const DEFAULT_ROTATE_S = 12

/** The rotation period in ms from the address (`?rotate=`), 0 for none. */
export function rotationMs(search: string): number {
  const asked = new URLSearchParams(search).get('rotate')
  if (asked === null || asked.trim() === '') return DEFAULT_ROTATE_S * 1000
  const s = Number(asked)
  return Number.isFinite(s) && s > 0 ? Math.max(3, s) * 1000 : 0
}

/** Which of `count` pages shows now: the next one every `periodMs` (never moving when it is 0). */
export function useRotation(count: Ref<number>, periodMs: number) {
  const index = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    if (periodMs > 0)
      timer = setInterval(() => (index.value = (index.value + 1) % Math.max(1, count.value)), periodMs)
  })
  onBeforeUnmount(() => clearInterval(timer))
  // The pages changed under it (an item gone): stay in range.
  watch(count, (n) => {
    if (index.value >= n) index.value = 0
  })
  return computed(() => Math.min(index.value, Math.max(0, count.value - 1)))
}
