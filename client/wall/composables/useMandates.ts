import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { DEFAULT_MANDATES, mandatesOf } from '../../../shared/mandates/defaults.ts'
import { useWallStore } from '../stores/wall.ts'

// The region's mandates section (point table, thresholds, drill plan, departments) and its names in
// the wall's language.
export function useMandates() {
  const store = useWallStore()
  const { locale } = useI18n()
  const mandates = computed(() => (store.region ? mandatesOf(store.region) : DEFAULT_MANDATES))
  const named = (entry: { name: string; nameEn: string } | undefined, fallback: string) =>
    entry ? (locale.value === 'en' ? entry.nameEn : entry.name) : fallback
  return {
    mandates,
    reason: (code: string) =>
      named(
        mandates.value.scoring.pointTable.find((r) => r.code === code),
        code,
      ),
    threshold: (level: number) => named(mandates.value.scoring.thresholds[level], ''),
    department: (id: string) =>
      named(
        mandates.value.departments.find((d) => d.id === id),
        id,
      ),
  }
}
