// A campaign's days as its panel's title bar says them: "1月27日—2月15日" / "27 Jan – 15 Feb", with the
// year when it is not `today`'s (a season shown in the next January), on each side when they differ.

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function parts(day: string) {
  const [y, m, d] = day.split('-').map(Number)
  return { y, m, d }
}

export function campaignDays(start: string, end: string, today: string, lang: string): string {
  const a = parts(start)
  const b = parts(end)
  const thisYear = Number(today.slice(0, 4))
  const yearOfStart = a.y !== thisYear || b.y !== a.y
  const yearOfEnd = b.y !== a.y
  if (lang === 'en') {
    const en = (p: typeof a, year: boolean) => `${p.d} ${MONTHS_EN[p.m - 1]}${year ? ` ${p.y}` : ''}`
    return `${en(a, yearOfEnd)} – ${en(b, yearOfStart)}`
  }
  const zh = (p: typeof a, year: boolean) => `${year ? `${p.y}年` : ''}${p.m}月${p.d}日`
  return `${zh(a, yearOfStart)}—${zh(b, yearOfEnd)}`
}
