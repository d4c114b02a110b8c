import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'
import { useLayout } from './useScale.ts'

/**
 * How many rows of `rowPx` fit in `el` (a list body with a fixed height on the canvas), so a list shows
 * whole rows and never clips one. Stacked (phone), the list grows instead and shows `stackRows`.
 */
export function useFitRows(el: Ref<HTMLElement | null>, rowPx: number, stackRows: number) {
  const layout = useLayout()
  const rows = ref(0)
  let observer: ResizeObserver | null = null

  function measure(): void {
    if (layout.value.mode === 'stack') rows.value = stackRows
    else if (el.value) rows.value = Math.max(1, Math.floor(el.value.clientHeight / rowPx))
  }

  onMounted(() => {
    measure()
    observer = new ResizeObserver(measure)
    if (el.value) observer.observe(el.value)
  })
  onBeforeUnmount(() => {
    observer?.disconnect()
    observer = null
  })
  return rows
}
