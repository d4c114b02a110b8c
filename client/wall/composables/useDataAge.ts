import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { durationParts, formatClock } from '../format.ts'
import { useWallStore } from '../stores/wall.ts'

/** How old the data on screen is ("3分12秒" / "3 min 12 s") and when it was last confirmed, region time. */
export function useDataAge() {
  const store = useWallStore()
  const { t } = useI18n()
  const ageMs = computed(() => (store.lastUpdate ? Math.max(0, store.now - store.lastUpdate) : null))
  const ageText = computed(() =>
    ageMs.value === null
      ? '—'
      : durationParts(ageMs.value)
          .map((p) => t(`unit.${p.unit}`, { n: p.value }))
          .join(' '),
  )
  const asOfText = computed(() =>
    store.lastUpdate && store.region ? formatClock(store.lastUpdate, store.region.timeZone) : '—',
  )
  return { ageMs, ageText, asOfText }
}
