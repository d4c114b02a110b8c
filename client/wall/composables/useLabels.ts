import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { useWallStore } from '../stores/wall.ts'

// Names of towns, domains and enumerations in the wall's language, from GET /api/regions:
// no component spells one out. An unknown code shows as itself rather than vanishing.

export type EnumKind =
  'HazardGrade' | 'HazardStatus' | 'RiskLevel' | 'AccidentGrade' | 'WorkState' | 'HazardSource'

export function useLabels() {
  const { locale } = useI18n()
  const store = useWallStore()
  const english = computed(() => locale.value === 'en')

  return {
    english,
    regionName: () =>
      store.region ? (english.value ? store.region.region.nameEn : store.region.region.name) : '',
    /** A town as the wall shows it: its short name where the region file gives one. */
    town(code: string | undefined): string {
      if (!code) return ''
      const t = store.townByCode.get(code)
      if (!t) return code
      return english.value ? (t.shortEn ?? t.nameEn) : (t.short ?? t.name)
    },
    /**
     * A town on its map tile, the tightest place: the short name, else in Chinese the name without
     * its 街道/镇/乡 (济川, 黄桥), which is how people say it; the full name is the tile's tooltip.
     */
    townTile(code: string): string {
      const t = store.townByCode.get(code)
      if (!t) return code
      if (english.value) return t.shortEn ?? t.nameEn
      return t.short ?? t.name.replace(/(街道|镇|乡)$/, '')
    },
    /** A town's full name (a tooltip beside the short one). */
    townFull(code: string | undefined): string {
      if (!code) return ''
      const t = store.townByCode.get(code)
      return t ? (english.value ? t.nameEn : t.name) : code
    },
    domain(id: string | undefined): string {
      if (!id) return ''
      const d = store.domainById.get(id)
      return d ? (english.value ? d.nameEn : d.name) : id
    },
    enumLabel(kind: EnumKind, value: string | undefined): string {
      if (!value) return ''
      const entry = store.region?.enums[kind]?.find((e) => e.value === value)
      return entry ? (english.value ? entry.en : entry.zh) : value
    },
  }
}
