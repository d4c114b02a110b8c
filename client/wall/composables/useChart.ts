import { markRaw, onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue'
import { CHART_BASE, init, type ChartOption, type ECharts } from '../charts/echarts.ts'
import { useLayout } from './useScale.ts'
import { useWallStore } from '../stores/wall.ts'

/**
 * One ECharts instance for `el`, for the life of the component: created on mount, updated in place
 * with setOption whenever `option()` changes (the store publishes once a second at most; an option
 * equal as JSON to the last is skipped, so a formatter must read only what the option itself holds),
 * resized by a throttled ResizeObserver, disposed on unmount. Kept out of Vue's reactivity.
 *
 * The one exception to "created once": when the canvas scale or devicePixelRatio changes (a window
 * resize, not a data update), the chart is re-created, because ECharts fixes its pixel ratio at init
 * and a chart drawn at the old ratio would be blurred (see useScale.ts).
 */
export function useChart(el: Ref<HTMLElement | null>, option: () => ChartOption | null) {
  const layout = useLayout()
  const wall = useWallStore()
  const chart = shallowRef<ECharts | null>(null)
  let observer: ResizeObserver | null = null
  let resizeFrame = 0
  let recreateTimer: ReturnType<typeof setTimeout> | undefined

  function create(): void {
    if (!el.value) return
    chart.value?.dispose()
    const instance = markRaw(
      init(el.value, null, { renderer: 'canvas', devicePixelRatio: layout.value.pixelRatio }),
    )
    instance.setOption(CHART_BASE)
    const opt = option()
    if (opt) instance.setOption(opt)
    chart.value = instance
  }

  onMounted(() => {
    create()
    observer = new ResizeObserver(() => {
      if (resizeFrame) return
      resizeFrame = requestAnimationFrame(() => {
        resizeFrame = 0
        chart.value?.resize()
      })
    })
    if (el.value) observer.observe(el.value)
  })

  // Every state update builds a new option, mostly equal to the last: an equal one is not set, since
  // each setOption repaints the chart (on the CPU, on screens without a GPU). Changes animate only on
  // a calm feed (the wall store's `calm`): on a busy one each animation would run into the next.
  let lastJson = ''
  watch(option, (opt) => {
    if (!opt || !chart.value) return
    const json = JSON.stringify(opt)
    if (json === lastJson) return
    lastJson = json
    chart.value.setOption({ ...opt, animation: wall.calm })
  })

  // Once the window has settled: a drag-resize changes the scale on every frame.
  watch(
    () => layout.value.pixelRatio,
    () => {
      clearTimeout(recreateTimer)
      recreateTimer = setTimeout(create, 300)
    },
  )

  onBeforeUnmount(() => {
    observer?.disconnect()
    observer = null
    cancelAnimationFrame(resizeFrame)
    clearTimeout(recreateTimer)
    chart.value?.dispose()
    chart.value = null
  })

  return chart
}
