// Formatting of numbers, times and durations for the wall. Pure functions; the numbers themselves
// come from shared/summary.ts.

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 12345 → "12,345". */
export function formatInt(n: number): string {
  return INTEGER.format(Math.round(n))
}

/** 0.8734 → "87.3%". */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`
}

/** Yuan → 万元 with one decimal (how Chinese reports state losses). */
export function formatWanYuan(yuan: number): string {
  return (yuan / 10_000).toFixed(1)
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key)
  if (!f) {
    f = make()
    formatters.set(key, f)
  }
  return f
}

/** Region wall time, e.g. "14:03:07". */
export function formatClock(ms: number, timeZone: string): string {
  return formatter(
    `clock|${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
  ).format(ms)
}

/** Region date with weekday, in the wall's language: "2026年11月29日 星期日" / "Sun, 29 Nov 2026". */
export function formatDate(ms: number, timeZone: string, lang: string): string {
  const locale = lang === 'en' ? 'en-GB' : 'zh-CN'
  return formatter(
    `date|${timeZone}|${locale}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        timeZone,
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        weekday: lang === 'en' ? 'short' : 'long',
      }),
  ).format(ms)
}

/** A region day as "12-07" (month-day: the year is this one, or the row says otherwise). */
export function formatShortDay(ms: number, timeZone: string): string {
  return formatter(
    `day|${timeZone}`,
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  )
    .format(ms)
    .slice(5)
}

/** A feed item's time: "14:03:07" today, "11-28 14:03" on an earlier day (region time). */
export function formatEventTime(iso: string, today: string, timeZone: string): string {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return ''
  const day = formatter(
    `day|${timeZone}`,
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).format(ms)
  if (day === today) return formatClock(ms, timeZone)
  return `${day.slice(5)} ${formatClock(ms, timeZone).slice(0, 5)}`
}

/** Hours, minutes and seconds of a running duration under a day, two digits each. */
export function hmsParts(ms: number): { h: string; m: string; s: string } {
  const s = Math.floor(ms / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return { h: pad(Math.floor(s / 3600)), m: pad(Math.floor((s % 3600) / 60)), s: pad(s % 60) }
}

/** The two largest units of a duration, for "data is 3 min 12 s old". */
export function durationParts(ms: number): { unit: 'd' | 'h' | 'm' | 's'; value: number }[] {
  const s = Math.max(0, Math.floor(ms / 1000))
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0)
    return [
      { unit: 'd', value: d },
      { unit: 'h', value: h },
    ]
  if (h > 0)
    return [
      { unit: 'h', value: h },
      { unit: 'm', value: m },
    ]
  if (m > 0)
    return [
      { unit: 'm', value: m },
      { unit: 's', value: s % 60 },
    ]
  return [{ unit: 's', value: s }]
}
