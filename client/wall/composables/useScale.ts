import { inject, onBeforeUnmount, onMounted, shallowRef, type InjectionKey, type ShallowRef } from 'vue'

// The wall is designed on a 1920×1080 canvas. A screen shows that canvas scaled to fit the window
// with CSS transform and letterboxed. A window the canvas would shrink to unreadable text in (a
// laptop's browser window, a tablet, a phone) gets the panels at their natural size instead, in two
// columns or, narrower than TWO_COLUMNS_FROM_PX, in one, and the page scrolls.
//
// Which is which: a scaled canvas is kept while its smallest text (18 design px) stays ≥ ~14 px, that
// is down to READABLE_SCALE. A window that fills its screen (a kiosk, a TV, F11) is a display nobody
// scrolls: it keeps the canvas down to MIN_SCALE. `?layout=canvas` keeps it at any size, for a wall
// screen shown in an ordinary window.
//
// Why transform and not re-layout: Chrome rasterises transformed DOM text at its final size, so text
// stays sharp at any scale, and ECharts maps pointer positions through CSS transforms. Canvases are
// bitmaps, though: each chart is drawn at devicePixelRatio × scale so its pixels match the screen's
// (a 3840×2160 screen draws charts at twice the design resolution, not a blurred upscale).

export const DESIGN_WIDTH = 1920
export const DESIGN_HEIGHT = 1080
export const READABLE_SCALE = 0.8
export const MIN_SCALE = 0.55
export const TWO_COLUMNS_FROM_PX = 900

export interface WallLayout {
  /** 'canvas': the design canvas scaled to the window; 'stack': panels at natural size in columns. */
  mode: 'canvas' | 'stack'
  /** Columns of stacked panels (none on a canvas, where the design's own grid applies). */
  columns: 0 | 1 | 2
  /** Canvas scale (1 when stacked). */
  scale: number
  /** Pixel ratio charts draw at. */
  pixelRatio: number
  /** Letterbox offsets of the canvas, in CSS px. */
  left: number
  top: number
}

export interface WindowSize {
  width: number
  height: number
  dpr: number
  /** The window covers its screen (kiosk, full screen): a display, not a page someone scrolls. */
  fillsScreen: boolean
  /** `?layout=canvas`: the canvas whatever the size. */
  forceCanvas: boolean
}

export function measureLayout(w: WindowSize): WallLayout {
  const scale = Math.min(w.width / DESIGN_WIDTH, w.height / DESIGN_HEIGHT)
  const canvas = w.forceCanvas || scale >= READABLE_SCALE || (w.fillsScreen && scale >= MIN_SCALE)
  if (!canvas) {
    const columns = w.width >= TWO_COLUMNS_FROM_PX ? 2 : 1
    return { mode: 'stack', columns, scale: 1, pixelRatio: w.dpr, left: 0, top: 0 }
  }
  return {
    mode: 'canvas',
    columns: 0,
    scale,
    pixelRatio: w.dpr * scale,
    left: Math.max(0, (w.width - DESIGN_WIDTH * scale) / 2),
    top: Math.max(0, (w.height - DESIGN_HEIGHT * scale) / 2),
  }
}

export const LAYOUT_KEY: InjectionKey<ShallowRef<WallLayout>> = Symbol('wall layout')

const current = () =>
  measureLayout({
    width: window.innerWidth,
    height: window.innerHeight,
    dpr: window.devicePixelRatio || 1,
    // A touch screen is held, not hung on a wall; and a phone's or tablet's address bar hides as the
    // page scrolls, which would flip the layout to the canvas and back.
    fillsScreen:
      window.innerWidth >= screen.availWidth &&
      window.innerHeight >= screen.availHeight &&
      !matchMedia('(pointer: coarse)').matches,
    forceCanvas: new URLSearchParams(location.search).get('layout') === 'canvas',
  })

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
        next.columns !== prev.columns ||
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
