import { HazardGrade, HazardSource, HazardStatus, type EnumEntry } from '../../shared/enums.ts'
import type { Domain, RegionIndex, Town } from '../../shared/region.ts'
import { LIMITS } from '../../shared/limits.ts'
import { dayStartMs, inDateRange } from '../../shared/time.ts'
import type { CellValue } from './read.ts'
import type { ImportIssueCode } from '../../shared/api/import.ts'

// Reading one cell as the value an event field needs: names or codes to ids, dates in region time.
// Each reader returns the value, or why the cell cannot be read (in Chinese and English).

export type Read<T> =
  { ok: true; value: T } | { ok: false; code: ImportIssueCode; reason: string; reasonEn: string }
const ok = <T>(value: T): Read<T> => ({ ok: true, value })
export const bad = (code: ImportIssueCode, reason: string, reasonEn: string): Read<never> => ({
  ok: false,
  code,
  reason,
  reasonEn,
})

/** A cell as text, the way the user sees it (a date cell as its date). */
export function cellText(cell: CellValue): string {
  if (cell === null) return ''
  // A date cell no calendar holds (a serial number of 1e20): no text to show, and no date.
  if (cell instanceof Date && Number.isNaN(cell.getTime())) return ''
  if (cell instanceof Date)
    return cell
      .toISOString()
      .replace(/T00:00:00\.000Z$/, '')
      .replace(/\.000Z$/, '')
      .replace('T', ' ')
  return String(cell)
}

/**
 * A value as matched: full-width forms as their half-width twins (（）→ (), ＡＢ１ → AB1, the
 * ideographic space), no spaces, any case. Names and cells pass through it alike.
 */
export const matchKey = (text: string) => text.normalize('NFKC').replace(/\s+/g, '').toLowerCase()
const key = matchKey

/**
 * Town by code, Chinese or English name, the short names the wall shows, an alias of the region
 * file, or name without its 镇/街道/乡 (when that is unambiguous); with or without the province's
 * and the region's name in front (泰兴市黄桥镇).
 */
export function townLookup(region: RegionIndex): (cell: CellValue) => Read<Town> {
  const byName = new Map<string, Town>()
  const short = new Map<string, Town[]>()
  for (const t of region.towns) {
    for (const name of [t.code, t.name, t.nameEn, t.short, t.shortEn]) if (name) byName.set(key(name), t)
    const stem = t.name.replace(/(街道|镇|乡)$/, '')
    if (stem !== t.name) short.set(stem, [...(short.get(stem) ?? []), t])
  }
  for (const [alias, code] of Object.entries(region.importAliases?.town ?? {})) {
    const town = region.townByCode.get(code)
    if (town) byName.set(key(alias), town)
  }
  const { name, province } = region.city
  const prefixes = [key(province), key(name), key(name.replace(/(市|县|区)$/, ''))]
  const withoutPrefix = (text: string) => {
    for (const p of prefixes)
      if (p && text.startsWith(p) && text.length > p.length) text = text.slice(p.length)
    return text
  }
  const find = (text: string) =>
    byName.get(text) ?? (short.get(text)?.length === 1 ? short.get(text)![0] : undefined)
  return (cell) => {
    const text = key(cellText(cell))
    const town = find(text) ?? find(withoutPrefix(text))
    if (town) return ok(town)
    return bad(
      'cell.unknown_town',
      `不是本市的镇街：「${cellText(cell)}」`,
      `not a town of this region: "${cellText(cell)}"`,
    )
  }
}

/** Domain by id, Chinese name or English name. */
export function domainLookup(region: RegionIndex): (cell: CellValue) => Read<Domain> {
  const byName = new Map<string, Domain>()
  for (const d of region.domains) for (const name of [d.id, d.name, d.nameEn]) byName.set(key(name), d)
  for (const [alias, id] of Object.entries(region.importAliases?.domain ?? {})) {
    const domain = region.domainById.get(id)
    if (domain) byName.set(key(alias), domain)
  }
  const names = region.domains.map((d) => d.name).join('、')
  return (cell) => {
    const domain = byName.get(key(cellText(cell)))
    if (domain) return ok(domain)
    return bad(
      'cell.unknown_domain',
      `不是已知的领域：「${cellText(cell)}」，应为 ${names} 之一`,
      `not a known domain: "${cellText(cell)}"`,
    )
  }
}

/** Industry by id, Chinese or English name or an alias of the region file, looked up within its domain. */
export function readIndustry(cell: CellValue, domain: Domain, region: RegionIndex): Read<string> {
  const text = key(cellText(cell))
  const aliased = Object.entries(region.importAliases?.industry ?? {}).find(([a]) => key(a) === text)?.[1]
  const named = (i: { id: string; name: string; nameEn: string }) =>
    i.id === aliased || [i.id, i.name, i.nameEn].some((n) => key(n) === text)
  const own = domain.industries.find(named)
  if (own) return ok(own.id)
  const elsewhere = region.domains.find((d) => d.industries.some(named))
  if (elsewhere) {
    return bad(
      'cell.industry_of_other_domain',
      `行业「${cellText(cell)}」属于${elsewhere.name}，不属于${domain.name}`,
      `industry "${cellText(cell)}" belongs to ${elsewhere.nameEn}, not to ${domain.nameEn}`,
    )
  }
  const list = domain.industries.map((i) => i.name).join('、') || '（该领域不分行业，请留空）'
  return bad(
    'cell.unknown_industry',
    `不是${domain.name}的行业：「${cellText(cell)}」，应为 ${list}`,
    `not an industry of ${domain.nameEn}: "${cellText(cell)}"`,
  )
}

/** An enumeration by its value, Chinese label, English gloss, or extra spellings. */
function enumLookup<V extends string>(
  entries: readonly EnumEntry<V>[],
  extra: Record<string, V>,
  what: [string, string],
) {
  const byName = new Map<string, V>()
  for (const e of entries) for (const name of [e.value, e.zh, e.en]) byName.set(key(name), e.value)
  for (const [name, value] of Object.entries(extra)) byName.set(key(name), value)
  const labels = entries.map((e) => e.zh).join('、')
  return (cell: CellValue): Read<V> => {
    const value = byName.get(key(cellText(cell)))
    if (value) return ok(value)
    return bad(
      'cell.unknown_value',
      `${what[0]}应为 ${labels} 之一，不能是「${cellText(cell)}」`,
      `${what[1]} must be one of ${entries.map((e) => e.value).join(', ')}`,
    )
  }
}

/** Spellings clerks write for the enumerations, beside their labels; a region file may add more. */
export const ENUM_ALIASES = {
  grade: {
    一般: 'general',
    重大: 'major',
    一般事故隐患: 'general',
    重大事故隐患: 'major',
    一般隐患: 'general',
    重大隐患: 'major',
  },
  source: {
    日常巡查: 'routine',
    日常检查: 'routine',
    执法检查: 'routine',
    双随机检查: 'routine',
    双随机: 'routine',
    专项检查: 'special_campaign',
    举报: 'report',
    投诉举报: 'report',
    自查: 'self_check',
  },
  status: {
    销号: 'closed',
    已整改: 'closed',
    整改完成: 'closed',
    已闭环: 'closed',
    已完成: 'closed',
    未整改: 'reported',
    正在整改: 'rectifying',
  },
} as const satisfies Record<string, Record<string, string>>

/** The enumeration readers of a region: Lookout's spellings and the region file's aliases. */
export function enumReaders(region: RegionIndex) {
  const aliases = region.importAliases ?? {}
  const merged = <V extends string>(
    own: Record<string, string>,
    extra: Record<string, string> | undefined,
    values: readonly V[],
  ) =>
    Object.fromEntries(
      Object.entries({ ...own, ...extra }).filter((e): e is [string, V] => values.includes(e[1] as V)),
    ) as Record<string, V>
  return {
    grade: enumLookup(HazardGrade.entries, merged(ENUM_ALIASES.grade, aliases.grade, HazardGrade.values), [
      '隐患等级',
      'grade',
    ]),
    source: enumLookup(
      HazardSource.entries,
      merged(ENUM_ALIASES.source, aliases.source, HazardSource.values),
      ['隐患来源', 'source'],
    ),
    status: enumLookup(
      HazardStatus.entries,
      merged(ENUM_ALIASES.status, aliases.status, HazardStatus.values),
      ['整改状态', 'status'],
    ),
  }
}

/** A point in time as the ledger gives it: a calendar day, maybe with a time of day (region time). */
export interface When {
  day: string
  /** Milliseconds since the start of `day`; absent when only the date was given. */
  timeMs?: number
  /** An explicit instant (ISO text with its own offset), which wins over day and time. */
  instant?: number
}

const pad = (n: number) => String(n).padStart(2, '0')
/** 2025-03-31, 2025/3/31, 2025.3.31, 2025年3月31日, each maybe with 9:30[:00] or 9时30分[00秒]. */
const DATE_TIME =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T\s]*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?$/
/** 20261220, as clerks type a date with no separators (often into a number cell). */
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

function realDay(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null
  return `${y}-${pad(m)}-${pad(d)}`
}

/** The When a cell writes, or null when it writes none (range not yet checked). */
function parseWhen(cell: CellValue): When | null {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return null
    const day = cell.toISOString().slice(0, 10)
    const timeMs = cell.getTime() - Date.parse(`${day}T00:00:00Z`)
    return timeMs ? { day, timeMs } : { day }
  }
  const raw = typeof cell === 'number' && Number.isInteger(cell) ? String(cell) : cell
  if (typeof raw !== 'string') return null
  const text = raw.normalize('NFKC').trim()
  if (WITH_OFFSET.test(text)) {
    const instant = Date.parse(text)
    const day = realDay(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)))
    return Number.isNaN(instant) || !day ? null : { day, instant }
  }
  const compact = COMPACT_DATE.exec(text)
  if (compact) {
    const day = realDay(Number(compact[1]), Number(compact[2]), Number(compact[3]))
    return day ? { day } : null
  }
  const m = DATE_TIME.exec(text)
  if (!m) return null
  const day = realDay(Number(m[1]), Number(m[2]), Number(m[3]))
  if (!day) return null
  if (m[4] === undefined) return { day }
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)]
  if (h > 23 || min > 59 || s > 59) return null
  return { day, timeMs: ((h * 60 + min) * 60 + s) * 1000 }
}

/**
 * A date or date-time cell: a spreadsheet date (exceljs gives it as the UTC instant of the wall
 * time written in the cell), text YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYYMMDD or YYYY年M月D日 with an
 * optional H:mm[:ss] or H时mm分, or ISO 8601 with an offset; its year within LIMITS.yearMin–yearMax.
 */
export function readWhen(cell: CellValue): Read<When> {
  const when = parseWhen(cell)
  if (!when) {
    return bad(
      'cell.bad_date',
      `不是有效的日期：「${cellText(cell)}」，应写成 2025-03-31 或 2025/3/31（可带时间 09:30）`,
      `not a valid date: "${cellText(cell)}" (write 2025-03-31 or 2025/3/31, optionally with a time 09:30)`,
    )
  }
  const dayMs = Date.parse(`${when.day}T12:00:00Z`)
  if (!inDateRange(dayMs) || (when.instant !== undefined && !inDateRange(when.instant))) {
    const [min, max] = [LIMITS.yearMin, LIMITS.yearMax]
    return bad(
      'cell.date_out_of_range',
      `年份应在 ${min}–${max} 之间：「${cellText(cell)}」`,
      `the year must be within ${min}–${max}: "${cellText(cell)}"`,
    )
  }
  return ok(when)
}

/**
 * Instants of Whens in region time. Day starts are remembered: a ledger has few distinct days, and
 * working one out costs a time-zone formatter. A time of day is added to the day's start, which is
 * exact for zones without daylight saving (Asia/Shanghai) and off by the shift only on a switch day.
 */
export function regionWhen(timeZone: string) {
  const starts = new Map<string, number>()
  const dayStart = (day: string) => {
    let ms = starts.get(day)
    if (ms === undefined) starts.set(day, (ms = dayStartMs(day, timeZone)))
    return ms
  }
  const ms = (when: When): number => when.instant ?? dayStart(when.day) + (when.timeMs ?? 0)
  return {
    ms,
    /** A deadline as the event carries it: the date alone ("by the end of that day"), or an instant. */
    deadline: (when: When): string =>
      when.instant === undefined && when.timeMs === undefined ? when.day : new Date(ms(when)).toISOString(),
  }
}
