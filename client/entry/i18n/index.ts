import zh from './zh.ts'
import en from './en.ts'
import score from './score.ts'
import { createI18n } from 'vue-i18n'
import { initialLang, langControl } from '../../i18n.ts'

// Chinese by default; `?lang=en` (or `zh`) or the header switch changes it, and the choice is
// remembered on this device (client/i18n.ts: the same key as the wall's).

export type { Lang } from '../../i18n.ts'
export const i18n = createI18n({
  legacy: false,
  locale: initialLang({ readLangFromUrl: true }),
  fallbackLocale: 'zh',
  messages: { zh: { ...zh, score: score.zh }, en: { ...en, score: score.en } },
})
export const { currentLang, setLang } = langControl(i18n.global.locale)
