import { describe, expect, test } from 'vitest'
import { screenName, type NameStore } from '../../client/wall/screen-name.ts'

// The name a wall screen reports its health under on /metrics.

const memory = (): NameStore & { data: Map<string, string> } => {
  const data = new Map<string, string>()
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) }
}

describe('a wall screen’s name on /metrics', () => {
  test('?screen= names it, and the name outlives a reload without it', () => {
    const storage = memory()
    expect(screenName('?screen=hall-left&layout=canvas', storage)).toBe('hall-left')
    expect(screenName('', storage)).toBe('hall-left')
    expect(screenName('?screen=大厅左屏', storage)).toBe('大厅左屏')
    expect(screenName('?lang=en', storage)).toBe('大厅左屏')
  })

  test('an unnamed screen gets a made name once, and keeps it across reloads', () => {
    const storage = memory()
    const first = screenName('', storage, () => 0.5)
    expect(first).toBe('screen-800000')
    expect(screenName('', storage, () => 0.25)).toBe(first)
    // Another browser makes its own.
    expect(screenName('', memory(), () => 0.25)).toBe('screen-400000')
  })

  test('a name with spaces or signs keeps its words; an empty one is ignored', () => {
    expect(screenName('?screen=hall left / 2', memory())).toBe('hall-left-2')
    expect(screenName(`?screen=${'x'.repeat(60)}`, memory())).toBe('x'.repeat(40))
    expect(screenName('?screen=', memory(), () => 0)).toBe('screen-000000')
  })

  test('without storage (a locked-down kiosk) it is still named', () => {
    expect(screenName('?screen=hall-left', null)).toBe('hall-left')
    expect(screenName('', null, () => 0.5)).toBe('screen-800000')
    const broken: NameStore = {
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('denied')
      },
    }
    expect(screenName('?screen=hall-left', broken)).toBe('hall-left')
  })
})
