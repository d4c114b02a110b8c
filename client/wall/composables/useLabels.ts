import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { useWallStore } from '../stores/wall.ts'
import { enumLabel, nameIn, type EnumKind, type Lang } from '../../../shared/api/regions.ts'

// Names of towns, domains and enumerations in the wall's language, from GET /api/regions:
// no component spells one out. An unknown code shows as itself rather than vanishing.

export type { EnumKind }

export function useLabels() {
  const { locale } = useI18n()
  const store = useWallStore()
  const english = computed(() => locale.value === 'en')
  const lang = (): Lang => (english.value ? 'en' : 'zh')

  return {
    english,
    regionName: () => (store.region ? nameIn(store.region.city, lang()) : ''),
    /** A town as the wall shows it: its short name where the region file gives one. */
    town(code: string | undefined): string {
      if (!code) return ''
      const t = store.townByCode.get(code)
      if (!t) return code
      return english.value ? (t.shortEn ?? t.nameEn) : (t.short ?? t.name)
    },
    /** A town's full name (a tooltip beside the short one). */
    townFull(code: string | undefined): string {
      if (!code) return ''
      const t = store.townByCode.get(code)
      return t ? nameIn(t, lang()) : code
    },
    domain(id: string | undefined): string {
      if (!id) return ''
      const d = store.domainById.get(id)
      return d ? nameIn(d, lang()) : id
    },
    enumLabel(kind: EnumKind, value: string | undefined): string {
      if (!value) return ''
      return enumLabel(store.region?.enums, kind, value, lang())
    },
  }
}
