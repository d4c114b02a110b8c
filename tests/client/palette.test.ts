import { expect, test } from 'vitest'
import { PALETTE, RISK_COLOURS } from '../../client/wall/palette.ts'

// Red, orange, yellow and blue mean risk levels on the wall; the alarm colour (overdue, significant
// accidents) must not be taken for the risk red from across the hall (issue 19.5).

/** sRGB hex to CIELAB (D65). */
function lab(hex: string): Lab {
  const linear = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  const [r, g, b] = linear
  const xyz = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ]
  const [fx, fy, fz] = xyz.map((t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116))
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)]
}

const rad = (deg: number) => (deg * Math.PI) / 180
const hueOf = (b: number, a: number) => ((Math.atan2(b, a) * 180) / Math.PI + 360) % 360

type Lab = [number, number, number]

/** CIEDE2000 colour difference (Sharma, Wu, Dalal 2005): about 2 is just visible, 25 is far apart. */
function deltaE2000([L1, a1, b1]: Lab, [L2, a2, b2]: Lab): number {
  const cBar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2
  const g = 0.5 * (1 - Math.sqrt(cBar ** 7 / (cBar ** 7 + 25 ** 7)))
  const [a1p, a2p] = [(1 + g) * a1, (1 + g) * a2]
  const [c1, c2] = [Math.hypot(a1p, b1), Math.hypot(a2p, b2)]
  const [h1, h2] = [hueOf(b1, a1p), hueOf(b2, a2p)]
  let dh = h2 - h1
  if (dh > 180) dh -= 360
  if (dh < -180) dh += 360
  const dH = 2 * Math.sqrt(c1 * c2) * Math.sin(rad(dh / 2))
  const lBar = (L1 + L2) / 2
  const cpBar = (c1 + c2) / 2
  const hBar = Math.abs(h1 - h2) <= 180 ? (h1 + h2) / 2 : (h1 + h2 + (h1 + h2 < 360 ? 360 : -360)) / 2
  const t =
    1 -
    0.17 * Math.cos(rad(hBar - 30)) +
    0.24 * Math.cos(rad(2 * hBar)) +
    0.32 * Math.cos(rad(3 * hBar + 6)) -
    0.2 * Math.cos(rad(4 * hBar - 63))
  const sL = 1 + (0.015 * (lBar - 50) ** 2) / Math.sqrt(20 + (lBar - 50) ** 2)
  const sC = 1 + 0.045 * cpBar
  const sH = 1 + 0.015 * cpBar * t
  const rT =
    -Math.sin(rad(60 * Math.exp(-(((hBar - 275) / 25) ** 2)))) *
    2 *
    Math.sqrt(cpBar ** 7 / (cpBar ** 7 + 25 ** 7))
  const [l, c, h] = [(L2 - L1) / sL, (c2 - c1) / sC, dH / sH]
  return Math.sqrt(l * l + c * c + h * h + rT * c * h)
}

test('CIEDE2000 gives the published answers (Sharma, Wu, Dalal 2005, table 1: pairs 1, 7, 17)', () => {
  expect(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4)
  expect(deltaE2000([50, 0, 0], [50, -1, 2])).toBeCloseTo(2.3669, 4)
  expect(deltaE2000([50, 2.5, 0], [73, 25, -18])).toBeCloseTo(27.1492, 4)
  expect(lab('#ffffff')[0]).toBeCloseTo(100, 1)
})

test('the alarm colour (overdue) is far from the risk red, and from every risk colour', () => {
  const alarm = lab(PALETTE.alarm)
  for (const [level, colour] of Object.entries(RISK_COLOURS))
    expect(deltaE2000(alarm, lab(colour)), level).toBeGreaterThanOrEqual(25)
})
