/**
 * In the page: every visible text run on the wall's canvas whose computed font size, in design px
 * of the 1920×1080 canvas, is under `minPx`: what a leader across the hall cannot read. A text run is
 * an element with a text node of its own that is not blank.
 */
export const SMALL_TEXT = (minPx: number) => {
  const canvas = document.querySelector('.wall-canvas')
  if (!canvas) return ['no .wall-canvas']
  const small: string[] = []
  for (const el of canvas.querySelectorAll<HTMLElement>('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())
    if (!own) continue
    const style = getComputedStyle(el)
    const box = el.getBoundingClientRect()
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0)
      continue
    if (el.closest('[aria-hidden="true"]')) continue
    const size = parseFloat(style.fontSize)
    if (size < minPx)
      small.push(`${size}px ${el.className || el.tagName}: ${el.textContent?.trim().slice(0, 30)}`)
  }
  return small
}
