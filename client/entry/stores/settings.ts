import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

// What the reporter sets once on this device: the token (sent as `Authorization: Bearer`) and the
// towns they report for. Kept in localStorage; nothing here ever leaves the device except the token
// in the header of our own API requests.

const TOKEN_KEY = 'lookout.entry.token'
const TOWNS_KEY = 'lookout.entry.towns'

function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, value)
  } catch {
    /* storage disabled: kept for this page's life only */
  }
}

function readTowns(): string[] {
  try {
    const list: unknown = JSON.parse(read(TOWNS_KEY) ?? '[]')
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string') : []
  } catch {
    return []
  }
}

export const useSettingsStore = defineStore('settings', () => {
  const token = ref(read(TOKEN_KEY) ?? '')
  /** Town codes this reporter works for; empty means all. */
  const myTowns = ref<string[]>(readTowns())

  watch(token, (t) => write(TOKEN_KEY, t || null))
  watch(myTowns, (list) => write(TOWNS_KEY, list.length ? JSON.stringify(list) : null), { deep: true })

  return { token, myTowns }
})
