import { SCREEN_NAME } from '../../shared/protocol.ts'

// The name this screen reports its health under on /metrics. `?screen=` names it, and is remembered,
// so a reload that lost the address's options keeps the name. Without one, the wall makes a name once
// and keeps it in this browser: the screen stays one series on /metrics across reconnects and
// reloads (the server's fallback, conn-<n>, changes with every connection).

const STORAGE_KEY = 'lookout.screen'

export interface NameStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

export function screenName(search: string, storage: NameStore | null, random = Math.random): string {
  // Spaces and other signs become '-' (`hall left` → `hall-left`): still the name the operator gave.
  const asked = new URLSearchParams(search)
    .get('screen')
    ?.trim()
    .replace(/[^\p{L}\p{N}_.:-]+/gu, '-')
    .slice(0, 40)
  if (asked && SCREEN_NAME.test(asked)) {
    save(storage, asked)
    return asked
  }
  const kept = load(storage)
  if (kept !== null && SCREEN_NAME.test(kept)) return kept
  const made = `screen-${Math.floor(random() * 0x1000000)
    .toString(16)
    .padStart(6, '0')}`
  save(storage, made)
  return made
}

/** localStorage, or null where it is disabled (some kiosk and private modes): a name per page load then. */
export function browserStorage(): NameStore | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

function load(storage: NameStore | null): string | null {
  try {
    return storage?.getItem(STORAGE_KEY) ?? null
  } catch {
    return null
  }
}

function save(storage: NameStore | null, name: string): void {
  try {
    storage?.setItem(STORAGE_KEY, name)
  } catch {
    /* full or disabled: still named for this page load */
  }
}
