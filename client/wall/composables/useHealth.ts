import { onBeforeUnmount, onMounted } from 'vue'
import type { ClientMessage } from '../../../shared/protocol.ts'

// The screen reports its own health to the server every 30 s (shown on /metrics): JS heap, frame rate,
// last seq and reconnects, so an operator learns of a sick screen before a leader does.

const REPORT_EVERY_MS = 30_000
/** Frames are counted over this window just before each report (no animation loop runs in between). */
const FPS_WINDOW_MS = 1_000

interface HealthSource {
  send: (msg: ClientMessage) => void
  seq: () => number | undefined
  reconnects: () => number
  /** Names this screen on /metrics (see screen-name.ts). */
  screen?: string
}

function heapMb(): number | undefined {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory
  return memory ? Math.round((memory.usedJSHeapSize / 1_048_576) * 10) / 10 : undefined
}

export function useHealthReport(source: HealthSource) {
  let timer: ReturnType<typeof setInterval> | undefined
  let frame = 0
  let fpsTimer: ReturnType<typeof setTimeout> | undefined

  /** Frames drawn over FPS_WINDOW_MS; ends on a timer, so a hidden tab (no frames) reports 0. */
  function measureFps(): Promise<number> {
    return new Promise((resolve) => {
      let frames = 0
      const count = () => {
        frames++
        frame = requestAnimationFrame(count)
      }
      frame = requestAnimationFrame(count)
      const start = performance.now()
      fpsTimer = setTimeout(() => {
        cancelAnimationFrame(frame)
        resolve(Math.round((frames * 1000) / (performance.now() - start)))
      }, FPS_WINDOW_MS)
    })
  }

  let measuring = false

  /** Measures and sends one report (also called when the feed comes back live, so /metrics hears at once). */
  async function report(): Promise<void> {
    if (measuring) return
    measuring = true
    const fps = await measureFps().finally(() => (measuring = false))
    source.send({
      type: 'health',
      ...(source.screen ? { screen: source.screen } : {}),
      heapMb: heapMb(),
      fps,
      seq: source.seq(),
      reconnects: source.reconnects(),
    })
  }

  onMounted(() => {
    timer = setInterval(() => void report(), REPORT_EVERY_MS)
  })
  onBeforeUnmount(() => {
    clearInterval(timer)
    clearTimeout(fpsTimer)
    cancelAnimationFrame(frame)
  })

  return { report }
}
