import { watch } from 'vue'

// A form's half-typed contents kept for this tab (sessionStorage): a phone that drops the page in
// the background, or a reload on a bad link, must not lose a hazard description typed in a yard.
// A submitted form resets its fields, and that is what is kept then.

const PREFIX = 'lookout.entry.draft.'

/** Fills `draft` (a reactive object) from what this tab kept under `key`, and keeps it as it changes. */
export function useDraft<T extends Record<string, unknown>>(key: string, draft: T): void {
  try {
    const kept = JSON.parse(sessionStorage.getItem(PREFIX + key) ?? 'null') as Partial<T> | null
    if (kept && typeof kept === 'object')
      for (const field of Object.keys(draft) as (keyof T)[]) {
        const value = kept[field]
        // Only a field this form still has, of a kind it can hold (a number box may hold '' or null).
        if (value !== undefined && (typeof value === typeof draft[field] || value === null || value === ''))
          draft[field] = value as T[keyof T]
      }
  } catch {
    /* storage disabled or a stale format: the form starts empty */
  }
  watch(
    draft,
    () => {
      try {
        sessionStorage.setItem(PREFIX + key, JSON.stringify(draft))
      } catch {
        /* not kept: the form still works */
      }
    },
    { deep: true },
  )
}
