// In-page checks that the wall reads from across the hall (issue 19.5), as plain-JS strings for
// page.evaluate and addInitScript (a compiled TS function could carry bundler helpers the page does
// not have).

/** The least text size on the 1920×1080 design canvas, in its CSS px. */
export const MIN_TEXT_PX = 18

/**
 * Before the page loads: records the size of every text ECharts draws on a chart's canvas (the
 * charts are bitmaps, so no DOM text to measure), by chart and text, in the chart's own CSS px —
 * ECharts scales its context by the pixel ratio, so a font's px are the design canvas's.
 */
export const RECORD_CHART_TEXT = String.raw`(() => {
  const drawn = new Map()
  window.__chartText = drawn
  for (const name of ['fillText', 'strokeText']) {
    const draw = CanvasRenderingContext2D.prototype[name]
    CanvasRenderingContext2D.prototype[name] = function (text, ...rest) {
      const chart = this.canvas && this.canvas.closest && this.canvas.closest('[data-chart]')
      if (chart && String(text).trim()) {
        const px = /(\d+(?:\.\d+)?)px/.exec(this.font)
        drawn.set(chart.dataset.chart + ': ' + String(text).trim(), px ? parseFloat(px[1]) : 0)
      }
      return draw.call(this, text, ...rest)
    }
  }
})()`

/**
 * Every visible text on the canvas smaller than MIN_TEXT_PX in design px, as "size text (where)"
 * lines: DOM text by its computed size as it shows on the screen, divided by the scale the canvas
 * should have in this window (so a 3840×2160 screen that failed to scale the canvas would show its
 * 18 px text at 9 design px, and fail); chart text as RECORD_CHART_TEXT recorded it.
 */
export const SMALL_TEXT = String.raw`((min) => {
  const canvas = document.querySelector('.wall-canvas')
  if (!canvas) return ['no .wall-canvas']
  const shown = canvas.getBoundingClientRect().width / canvas.offsetWidth
  const wanted = Math.min(window.innerWidth / 1920, window.innerHeight / 1080)
  const small = []
  const walker = document.createTreeWalker(canvas, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim()
    if (!text) continue
    const host = node.parentElement
    if (!host.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue
    const range = document.createRange()
    range.selectNodeContents(node)
    const box = range.getBoundingClientRect()
    if (box.width < 0.5 || box.height < 0.5) continue
    const px = (parseFloat(getComputedStyle(host).fontSize) * shown) / wanted
    if (px < min - 0.01) {
      const where = host.closest('[data-panel]')
      small.push(px.toFixed(1) + 'px ' + JSON.stringify(text.slice(0, 30)) + ' (' + (where ? where.dataset.panel + ' ' : '') + host.className + ')')
    }
  }
  for (const [what, px] of window.__chartText || []) {
    if (px < min - 0.01) small.push(px + 'px chart ' + what.slice(0, 50))
  }
  return small
})`

/**
 * Labels shown cut: any element on the canvas whose content is wider or taller than its box while it
 * clips it (overflow not visible), or that truncates itself (an ellipsis, a line clamp). Only free text
 * that people typed — a hazard's title, an enterprise's name, a place — may be cut, and says so with
 * the class "ellipsis"; a label, a number or a name from the region file must show whole.
 */
export const CUT_LABELS = String.raw`(() => {
  const canvas = document.querySelector('.wall-canvas')
  if (!canvas) return ['no .wall-canvas']
  const cut = []
  for (const el of canvas.querySelectorAll('*')) {
    if (el.closest('.ellipsis') || el.closest('[data-chart]')) continue
    if (!el.textContent.trim() || !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue
    const s = getComputedStyle(el)
    const clips = s.overflowX !== 'visible' || s.overflowY !== 'visible' || s.textOverflow === 'ellipsis'
    if (!clips) continue
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      const where = el.closest('[data-panel]')
      cut.push((where ? where.dataset.panel + ' ' : '') + el.tagName.toLowerCase() + '.' + el.className + ': ' + JSON.stringify(el.textContent.trim().slice(0, 40)) + ' (' + el.scrollWidth + 'x' + el.scrollHeight + ' in ' + el.clientWidth + 'x' + el.clientHeight + ')')
    }
  }
  return cut
})()`
