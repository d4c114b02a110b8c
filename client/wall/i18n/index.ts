import { createI18n } from 'vue-i18n'
import zh from './zh.ts'
import en from './en.ts'
import mandates from './mandates.ts'

// Chinese by default; `?lang=en` or the toggle switches, and the choice is remembered on this screen.

export type Lang = 'zh' | 'en'
const STORAGE_KEY = 'lookout.lang'

function remembered(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null // storage disabled (kiosk or private mode): the default applies
  }
}

function remember(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    /* not remembered, still switched */
  }
}

function initialLang(): Lang {
  const asked = new URLSearchParams(location.search).get('lang')
  if (asked === 'en' || asked === 'zh') {
    remember(asked)
    return asked
  }
  return remembered() === 'en' ? 'en' : 'zh'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLang(),
  fallbackLocale: 'zh',
  messages: { zh: { ...zh, mandates: mandates.zh }, en: { ...en, mandates: mandates.en } },
})

export function currentLang(): Lang {
  return i18n.global.locale.value === 'en' ? 'en' : 'zh'
}

export function setLang(lang: Lang): void {
  i18n.global.locale.value = lang
  remember(lang)
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN'
}
