import { getEnterprises, getOpenHazards, type ListQuery } from './api.ts'

// The lists a reporter picks from (open hazards, enterprises), kept on the device so the forms that
// need them work in a yard with no signal. useServerList saves the list each form shows; the page
// also fetches both when it opens online (keepListsForOffline), so a tab never opened online still
// has its list offline.

/** How many an unfiltered list brings (and the device keeps): what an offline search can find. */
export const SAVED = 500

export const SAVED_LISTS = {
  hazards: { key: 'lookout.entry.hazards', fetch: getOpenHazards },
  enterprises: { key: 'lookout.entry.enterprises', fetch: getEnterprises },
} as const

export interface SavedList<T> {
  savedAt: number
  towns: string[]
  items: T[]
}

/** The list saved under `key` for exactly these towns, or null. */
export function readSaved<T>(key: string, towns: string[]): SavedList<T> | null {
  try {
    const list = JSON.parse(localStorage.getItem(key) ?? 'null') as SavedList<T> | null
    return list && Array.isArray(list.items) && list.towns.join(',') === towns.join(',') ? list : null
  } catch {
    return null
  }
}

export function saveList<T>(key: string, towns: string[], items: T[]): void {
  try {
    localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), towns, items } satisfies SavedList<T>))
  } catch {
    /* not saved (storage full or off): the list still shows while online */
  }
}

/**
 * Fetches and saves every list for these towns. A failure leaves the older saved list as it was:
 * the forms say when it was saved.
 */
export async function keepListsForOffline(towns: string[], token: string): Promise<void> {
  const query: ListQuery = { towns, q: '', limit: SAVED }
  await Promise.all(
    Object.values(SAVED_LISTS).map(async ({ key, fetch: fetchList }) => {
      try {
        saveList<unknown>(key, towns, await fetchList(query, token))
      } catch {
        /* offline or refused: keep what was saved */
      }
    }),
  )
}
