import { createI18n } from 'vue-i18n'
import zh from './zh.ts'
import en from './en.ts'
import score from './score.ts'

// Chinese by default; `?lang=en` (or `zh`) or the header switch changes it, and the choice is
// remembered on this device (the same key as the wall's, so one phone keeps one language).

export type Lang = 'zh' | 'en'
const STORAGE_KEY = 'lookout.lang'

function remembered(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh'
  } catch {
    return 'zh' // storage disabled (private mode): the default applies
  }
}

/** `?lang=` in the address wins (and is remembered), as on the wall. */
function initialLang(): Lang {
  const asked = new URLSearchParams(location.search).get('lang')
  if (asked === 'en' || asked === 'zh') {
    try {
      localStorage.setItem(STORAGE_KEY, asked)
    } catch {
      /* not remembered, still used */
    }
    return asked
  }
  return remembered()
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLang(),
  fallbackLocale: 'zh',
  messages: { zh: { ...zh, score: score.zh }, en: { ...en, score: score.en } },
})

export function currentLang(): Lang {
  return i18n.global.locale.value === 'en' ? 'en' : 'zh'
}

export function setLang(lang: Lang): void {
  i18n.global.locale.value = lang
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN'
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    /* not remembered, still switched */
  }
}
