import { inject, onBeforeUnmount, onMounted, shallowRef, type InjectionKey, type ShallowRef } from 'vue'

// The wall is designed on a 1920×1080 canvas. On a big screen or laptop the canvas is scaled to fit
// the window with CSS transform and letterboxed; on a narrow window (a phone) the panels stack in
// one column at their natural size instead of shrinking to an unreadable miniature.
//
// Why transform and not re-layout: Chrome rasterises transformed DOM text at its final size, so text
// stays sharp at any scale, and ECharts maps pointer positions through CSS transforms. Canvases are
// bitmaps, though: each chart is drawn at devicePixelRatio × scale so its pixels match the screen's
// (a 3840×2160 screen draws charts at twice the design resolution, not a blurred upscale).

export const DESIGN_WIDTH = 1920
export const DESIGN_HEIGHT = 1080
/** Below this window width, or when the canvas would shrink below MIN_SCALE, the panels stack. */
export const STACK_BELOW_PX = 900
export const MIN_SCALE = 0.55

export interface WallLayout {
  mode: 'canvas' | 'stack'
  /** Canvas scale (1 when stacked). */
  scale: number
  /** Pixel ratio charts draw at. */
  pixelRatio: number
  /** Letterbox offsets of the canvas, in CSS px. */
  left: number
  top: number
}

export function measureLayout(width: number, height: number, dpr: number): WallLayout {
  const scale = Math.min(width / DESIGN_WIDTH, height / DESIGN_HEIGHT)
  if (width < STACK_BELOW_PX || scale < MIN_SCALE)
    return { mode: 'stack', scale: 1, pixelRatio: dpr, left: 0, top: 0 }
  return {
    mode: 'canvas',
    scale,
    pixelRatio: dpr * scale,
    left: Math.max(0, (width - DESIGN_WIDTH * scale) / 2),
    top: Math.max(0, (height - DESIGN_HEIGHT * scale) / 2),
  }
}

export const LAYOUT_KEY: InjectionKey<ShallowRef<WallLayout>> = Symbol('wall layout')

const current = () => measureLayout(window.innerWidth, window.innerHeight, window.devicePixelRatio || 1)

/** The wall's layout, following the window (and devicePixelRatio, which a browser zoom changes). */
export function useScale(): ShallowRef<WallLayout> {
  const layout = shallowRef(current())
  let frame = 0
  const onResize = () => {
    if (frame) return
    frame = requestAnimationFrame(() => {
      frame = 0
      const next = current()
      const prev = layout.value
      if (
        next.mode !== prev.mode ||
        next.scale !== prev.scale ||
        next.pixelRatio !== prev.pixelRatio ||
        next.left !== prev.left ||
        next.top !== prev.top
      ) {
        layout.value = next
      }
    })
  }
  onMounted(() => window.addEventListener('resize', onResize))
  onBeforeUnmount(() => {
    window.removeEventListener('resize', onResize)
    cancelAnimationFrame(frame)
  })
  return layout
}

export function useLayout(): ShallowRef<WallLayout> {
  const layout = inject(LAYOUT_KEY)
  if (!layout) throw new Error('useLayout() needs the wall layout provided by App.vue')
  return layout
}
