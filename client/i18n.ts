import type { Lang } from '../shared/api/regions.ts'

// The one language setup of both pages: Chinese by default, the choice remembered on the device
// under one key (a phone that opens both pages keeps one language); the wall also reads `?lang=`.

export type { Lang }
const STORAGE_KEY = 'lookout.lang'

function remembered(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh'
  } catch {
    return 'zh' // storage disabled (kiosk or private mode): the default applies
  }
}

function remember(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    /* not remembered, still switched */
  }
}

/** `?lang=zh|en` in the page's address, remembered as if switched; else the remembered language. */
function fromAddress(): Lang | null {
  const asked = new URLSearchParams(location.search).get('lang')
  if (asked !== 'en' && asked !== 'zh') return null
  remember(asked)
  return asked
}

/** The language a page starts in: `?lang=` when the page reads it, else the remembered one. */
export function initialLang(opts: { readLangFromUrl?: boolean } = {}): Lang {
  return (opts.readLangFromUrl ? fromAddress() : null) ?? remembered()
}

/** The language of a page's i18n, read and switched (the switch is remembered). */
export function langControl(locale: { value: string }) {
  return {
    currentLang: (): Lang => (locale.value === 'en' ? 'en' : 'zh'),
    setLang(lang: Lang): void {
      locale.value = lang
      remember(lang)
      document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN'
    },
  }
}
