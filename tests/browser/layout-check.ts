// The in-page check that nothing on the wall overflows or overlaps, as a plain-JS string for
// page.evaluate (a compiled TS function could carry bundler helpers the page does not have).
//
// It checks, and returns a sentence for each problem:
// - every panel ([data-panel]) lies inside the window (stacked: the page), and no two panels overlap;
// - no panel's content is pushed out of it (scroll size within client size);
// - every line of text inside a panel lies inside each ancestor that clips it (the panel included),
//   unless an ancestor truncates it on purpose (text-overflow: ellipsis or a line clamp);
// - no two lines of text in a panel overlap.
// Text inside an element whose CSS transition or animation is running is skipped: it is in motion.
// A line's box is its em box (font-size tall, centred in the text's content area): CJK fonts have
// content areas half again as tall as the glyphs, so raw range boxes of tight lines touch harmlessly.
export const LAYOUT_CHECK = String.raw`(() => {
  const problems = []
  // Stacked panels run down the page, which scrolls: they must lie within its width and length.
  const stacked = !!document.querySelector('.wall--stack')
  const vw = window.innerWidth
  const vh = stacked ? Math.max(window.innerHeight, document.documentElement.scrollHeight) : window.innerHeight
  const slack = 1
  // Computed font sizes are design px; boxes on screen are scaled with the canvas.
  const canvas = document.querySelector('.wall-canvas')
  const scale = canvas ? canvas.getBoundingClientRect().width / canvas.offsetWidth : 1
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '')
  const inside = (a, b) => a.left >= b.left - slack && a.top >= b.top - slack && a.right <= b.right + slack && a.bottom <= b.bottom + slack
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > slack && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slack
  const panels = [...document.querySelectorAll('[data-panel]')]
  const boxes = panels.map((p) => p.getBoundingClientRect())
  panels.forEach((p, i) => {
    const id = p.dataset.panel
    const r = boxes[i]
    if (r.width < 10 || r.height < 10) problems.push('panel ' + id + ' is empty (' + r.width + 'x' + r.height + ')')
    if (!inside(r, { left: 0, top: 0, right: vw, bottom: vh })) problems.push('panel ' + id + ' leaves the window')
    for (let j = i + 1; j < panels.length; j++) {
      if (overlap(r, boxes[j])) problems.push('panels ' + id + ' and ' + panels[j].dataset.panel + ' overlap')
    }
    for (const el of [p, ...p.querySelectorAll('.panel-body')]) {
      if (el.scrollHeight > el.clientHeight + slack || el.scrollWidth > el.clientWidth + slack) {
        problems.push('panel ' + id + ': content overflows ' + name(el) + ' (' + el.scrollWidth + 'x' + el.scrollHeight + ' in ' + el.clientWidth + 'x' + el.clientHeight + ')')
      }
    }
    const lines = []
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue
      const host = node.parentElement
      const style = getComputedStyle(host)
      if (style.visibility === 'hidden' || style.display === 'none') continue
      // A line still sliding in or moving (a CSS transition running) is checked once it settles.
      let moving = false
      for (let a = host; a && a !== p; a = a.parentElement) if (a.getAnimations().length) moving = true
      if (moving) continue
      // Walk up to the panel: intentional truncation clips the text; any other clipping box must hold it.
      let truncatedBy = null
      const clippers = []
      for (let a = host; a && a !== p.parentElement; a = a.parentElement) {
        const s = getComputedStyle(a)
        if (!truncatedBy && (s.textOverflow === 'ellipsis' || (s.webkitLineClamp && s.webkitLineClamp !== 'none'))) truncatedBy = a
        if (s.overflowX !== 'visible' || s.overflowY !== 'visible') clippers.push(a)
      }
      const fontSize = parseFloat(style.fontSize) * scale
      const range = document.createRange()
      range.selectNodeContents(node)
      for (const raw of range.getClientRects()) {
        if (raw.width < 0.5 || raw.height < 0.5) continue
        const em = Math.min(raw.height, fontSize)
        const top = raw.top + (raw.height - em) / 2
        let r = { left: raw.left, top, right: raw.right, bottom: top + em }
        if (truncatedBy) {
          const t = truncatedBy.getBoundingClientRect()
          r = { left: Math.max(r.left, t.left), top: Math.max(r.top, t.top), right: Math.min(r.right, t.right), bottom: Math.min(r.bottom, t.bottom) }
          if (r.right - r.left < 0.5) continue
        }
        const text = JSON.stringify(node.textContent.trim().slice(0, 30))
        for (const c of clippers) {
          if (truncatedBy && (c === truncatedBy || truncatedBy.contains(c))) continue
          if (!inside(r, c.getBoundingClientRect())) problems.push('panel ' + id + ': text ' + text + ' is cut off by ' + name(c))
        }
        lines.push({ r, node, text })
      }
    }
    for (let a = 0; a < lines.length; a++) {
      for (let b = a + 1; b < lines.length; b++) {
        if (lines[a].node !== lines[b].node && overlap(lines[a].r, lines[b].r)) {
          problems.push('panel ' + id + ': texts ' + lines[a].text + ' and ' + lines[b].text + ' overlap')
        }
      }
    }
  })
  return problems
})()`
