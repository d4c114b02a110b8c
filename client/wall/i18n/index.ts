import zh from './zh.ts'
import en from './en.ts'
import mandates from './mandates.ts'
import campaigns from './campaigns.ts'
import { createI18n } from 'vue-i18n'
import { initialLang, langControl } from '../../i18n.ts'

// Chinese by default; `?lang=en` or the toggle switches, and the choice is remembered on this screen.

export type { Lang } from '../../i18n.ts'
export const i18n = createI18n({
  legacy: false,
  locale: initialLang({ readLangFromUrl: true }),
  fallbackLocale: 'zh',
  messages: {
    zh: { ...zh, mandates: mandates.zh, campaigns: campaigns.zh },
    en: { ...en, mandates: mandates.en, campaigns: campaigns.en },
  },
})
export const { currentLang, setLang } = langControl(i18n.global.locale)
