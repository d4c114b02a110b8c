import { ref, watch, type Ref } from 'vue'
import type { EnterpriseNamesReply } from '../../../shared/mandates/api.ts'
import { NAMES_MAX } from '../../../shared/mandates/api.ts'

// Enterprise names for the ids a panel shows (the cells hold ids only): asked of the server once per
// id not yet known, kept for the life of the page. A failed read is tried again when the ids change.

const known = ref<EnterpriseNamesReply['names']>({})
const asking = new Set<string>()

async function ask(ids: string[]): Promise<void> {
  for (const id of ids) asking.add(id)
  try {
    for (let i = 0; i < ids.length; i += NAMES_MAX) {
      const part = ids.slice(i, i + NAMES_MAX)
      const res = await fetch(`/api/enterprise-names?ids=${encodeURIComponent(part.join(','))}`)
      if (!res.ok) return
      const { names } = (await res.json()) as EnterpriseNamesReply
      known.value = { ...known.value, ...names }
    }
  } catch {
    // The server is away: the banner says so; the ids show until it answers.
  } finally {
    for (const id of ids) asking.delete(id)
  }
}

export function useEnterpriseNames(ids: Ref<string[]>) {
  watch(
    ids,
    (list) => {
      const missing = list.filter((id) => !(id in known.value) && !asking.has(id))
      if (missing.length) void ask(missing)
    },
    { immediate: true },
  )
  return known
}
