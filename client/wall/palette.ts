import { RISK_COLOURS } from '../../shared/enums.ts'

// The wall's colours, defined once: CSS gets them as custom properties, charts read them here.
// Red, orange, yellow and blue mean risk levels (RISK_COLOURS) and nothing else on this screen,
// so every other series uses cyan, teal, green, violet, pink or grey.

export const PALETTE = {
  bg: '#040b17',
  panel: 'rgba(9, 24, 44, 0.78)',
  line: '#17375a',
  grid: 'rgba(120, 160, 210, 0.14)',
  text: '#e8f2ff',
  muted: '#8aa2c2',
  faint: '#4f6685',
  accent: '#3ee6ff',
  /** Hazards found. */
  found: '#3ee6ff',
  /** Hazards closed, enterprises resumed: progress. */
  closed: '#3ddc97',
  /** Major hazards (the grade, not a risk level). */
  major: '#b685ff',
  /** General hazards. */
  general: '#45c4c0',
  /**
   * Alarm: overdue, significant accidents, resumed without check, feed lost. A hot pink, far enough from
   * the risk red (CIEDE2000 ≥ 25: tests/client/palette.test.ts) that an overdue badge beside a town's
   * risk stripe reads as another thing from across the hall.
   */
  alarm: '#ff3fa4',
  /** The feed is connected but not current. */
  degraded: '#c9a7ff',
  /** Stopped enterprises, empty states. */
  idle: '#6f84a3',
} as const

/** Hazard statuses along the rectification funnel. */
export const STATUS_COLOURS: Record<string, string> = {
  reported: '#9b8cff',
  rectifying: PALETTE.accent,
  awaiting_acceptance: PALETTE.general,
  closed: PALETTE.closed,
}

/** Accident grades, most severe first: shades of the alarm pink down to grey. */
export const ACCIDENT_COLOURS: Record<string, string> = {
  especially_major: PALETTE.alarm,
  major: '#ff85c0',
  significant: '#d58cff',
  general: '#8da2c0',
}

export { RISK_COLOURS }

/** The palette as CSS custom properties (--c-bg, --c-alarm, …) for the wall's root element. */
export function paletteCssVars(): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const [name, value] of Object.entries(PALETTE)) vars[`--c-${name}`] = value
  for (const [level, value] of Object.entries(RISK_COLOURS)) vars[`--risk-${level}`] = value
  return vars
}

export const FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif"
