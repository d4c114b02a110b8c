import { onBeforeUnmount, watch, type Ref } from 'vue'

// The alarm's sound, only with `?sound=1`: three short tones made by WebAudio (no file to ship) when
// a new alarm comes in, and again every REPEAT_MS while any is escalated. Browsers play sound only
// after a click on the page, unless the kiosk allows it: docs/wall.md says how.

const REPEAT_MS = 60_000

export function soundWanted(search: string): boolean {
  return new URLSearchParams(search).get('sound') === '1'
}

function chime(ctx: AudioContext): void {
  const start = ctx.currentTime
  for (let i = 0; i < 3; i++) {
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.frequency.value = i % 2 ? 660 : 880
    gain.gain.setValueAtTime(0.0001, start + i * 0.35)
    gain.gain.exponentialRampToValueAtTime(0.4, start + i * 0.35 + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.35 + 0.3)
    osc.connect(gain).connect(ctx.destination)
    osc.start(start + i * 0.35)
    osc.stop(start + i * 0.35 + 0.32)
  }
}

/** Sounds for alarm ids new in `ids` (not for those already there when the wall opened), and while `escalated`. */
export function useAlarmSound(opts: { enabled: boolean; ids: Ref<string[]>; escalated: Ref<boolean> }) {
  if (!opts.enabled) return
  let ctx: AudioContext | null = null
  const play = () => {
    try {
      ctx ??= new AudioContext()
      if (ctx.state === 'suspended') void ctx.resume()
      chime(ctx)
    } catch {
      // No audio device: the banner still shows.
    }
  }
  let known: Set<string> | null = null
  watch(
    opts.ids,
    (ids) => {
      const fresh = known !== null && ids.some((id) => !known!.has(id))
      known = new Set(ids)
      if (fresh) play()
    },
    { immediate: true },
  )
  const timer = setInterval(() => {
    if (opts.escalated.value) play()
  }, REPEAT_MS)
  onBeforeUnmount(() => {
    clearInterval(timer)
    void ctx?.close()
  })
}
