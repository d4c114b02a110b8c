import { expect, test } from 'vitest'
import { applyDelta, compactDelta, emptyState, stateDigest } from '../../shared/state.ts'
import type { Cells } from '../../shared/cells.ts'
import { mulberry32 } from '../../server/simulator/random.ts'
import type { Delta, TickerItem, WallState } from '../../shared/protocol.ts'
import type { Alarm } from '../../shared/alarms.ts'

// Compact deltas (the fan-out's bandwidth fix, issue 6): what a node sends must leave every viewer
// exactly where the plain delta would, delta after delta, with keys coming and going.

const clone = <T>(x: T): T => structuredClone(x)

function randomDelta(random: () => number, state: WallState, seq: number): Delta {
  const key = () =>
    `${['hz.found', 'hz.reported', 'insp', 'acc'][Math.floor(random() * 4)]}|3212831${Math.floor(random() * 20)}|fire|${random() < 0.5 ? 'major' : '-'}`
  const cells = (scope: 'now' | 'today' | 'year' | 'daily') => {
    const out: Cells = {}
    const existing = Object.keys(state[scope])
    for (let i = 0; i < 15; i++) {
      const k = random() < 0.6 && existing.length ? existing[Math.floor(random() * existing.length)] : key()
      out[k] = random() < 0.2 ? 0 : Math.floor(random() * 500)
    }
    return out
  }
  const today = cells('today')
  // Counters change today and this year together: most of today's keys in year too.
  const year = {
    ...cells('year'),
    ...Object.fromEntries(Object.keys(today).map((k) => [k, today[k] + 1000])),
  }
  const ticker: TickerItem[] = [
    {
      seq,
      at: '2026-11-29T10:00:00.000Z',
      type: 'hazard.status',
      hazardId: `H${seq}`,
      status: 'closed',
      town: '321283001',
      title: '配电箱未接地',
    },
    {
      seq: seq - 1,
      at: '2026-11-29T10:00:00+08:00',
      type: 'enterprise.work',
      state: 'resumed',
      preCheckDone: false,
      name: '泰兴市某公司',
    },
    { seq: seq - 2, at: '2026-11-29T10:00:00.000Z', type: 'overdue.tick' },
    // A field rows cannot carry: sent as it is.
    {
      seq: seq - 3,
      at: '2026-11-29T10:00:00.000Z',
      type: 'hazard.reported',
      extra: 1,
    } as unknown as TickerItem,
  ]
  return {
    ...(random() < 0.5 ? { alarms: nextAlarms(random, state.alarms, seq) } : {}),
    type: 'delta',
    from: state.seq + 1,
    seq,
    asOf: seq * 10,
    now: cells('now'),
    today,
    year,
    daily: cells('daily'),
    ticker,
  }
}

const alarm = (seq: number, town = '321283101'): Alarm => ({
  alarmId: `acc:A${seq}`,
  kind: 'accident',
  seq,
  at: '2026-11-29T10:00:00.000Z',
  raisedAt: seq * 10,
  town,
  domain: 'fire',
  grade: 'general',
  severe: false,
  accidentId: `A${seq}`,
  deaths: 0,
  acknowledged: false,
})

/** The open alarms after some are raised, some acknowledged, one changed in place; newest first, 20 at most. */
function nextAlarms(random: () => number, held: Alarm[], seq: number): Alarm[] {
  const kept = held
    .filter(() => random() < 0.85)
    .map((a) => (random() < 0.05 ? { ...a, town: '321283102' } : a))
  const raised = Array.from({ length: Math.floor(random() * 3) }, (_, i) => alarm(seq - i))
  return [...raised, ...kept].slice(0, 20)
}

test('a compact delta leaves a viewer exactly where the plain one does, 200 deltas running', () => {
  const random = mulberry32(6)
  const start: WallState = {
    seq: 0,
    day: '2026-11-29',
    asOf: 0,
    now: { 'hz.reported|321283101|fire|major': 3 },
    today: {},
    year: { 'insp|321283102|fire|-': 9 },
    daily: {},
    ticker: [],
    overdue: [],
    alarms: [],
  }
  const server = clone(start)
  const viewer = clone(start)
  let bytesPlain = 0
  let bytesCompact = 0
  for (let seq = 5; seq < 1000; seq += 5) {
    const delta = randomDelta(random, server, seq)
    const wire = JSON.parse(JSON.stringify(compactDelta(server, delta))) as Delta
    expect(wire.now).toBeUndefined()
    bytesPlain += JSON.stringify(delta).length
    bytesCompact += JSON.stringify(wire).length
    expect(applyDelta(server, clone(delta))).toBe('applied')
    expect(applyDelta(viewer, wire)).toBe('applied')
    expect(viewer).toEqual(server)
    expect(stateDigest(viewer)).toBe(stateDigest(server))
  }
  expect(bytesCompact).toBeLessThan(bytesPlain * 0.7)
})

test('a compact delta that names a cell the viewer does not hold is a gap: nothing applied', () => {
  const state: WallState = {
    seq: 1,
    day: '2026-11-29',
    asOf: 0,
    now: { a: 1 },
    today: {},
    year: {},
    daily: {},
    ticker: [],
    overdue: [],
    alarms: [],
  }
  const before = clone(state)
  const wire: Delta = { type: 'delta', from: 2, seq: 2, asOf: 0, cells: { now: [5, 1] } }
  expect(applyDelta(state, wire)).toBe('gap')
  expect(state).toEqual(before)
})

test('a compact delta carries an alarm the viewer holds as its place: raising one sends one alarm', () => {
  const held = Array.from({ length: 20 }, (_, i) => alarm(100 - i))
  const state: WallState = { ...emptyState('2026-11-29'), seq: 100, alarms: clone(held) }
  const raised = alarm(101)
  const delta: Delta = { type: 'delta', from: 101, seq: 101, asOf: 0, alarms: [raised, ...held.slice(0, 19)] }
  const wire = JSON.parse(JSON.stringify(compactDelta(state, delta))) as Delta
  expect(wire.alarms).toBeUndefined()
  expect(wire.alarmRefs).toEqual([raised, ...Array.from({ length: 19 }, (_, i) => i)])
  const viewer = clone(state)
  expect(applyDelta(viewer, wire)).toBe('applied')
  expect(viewer.alarms).toEqual(delta.alarms)

  // A place the viewer does not hold: a gap, nothing applied.
  const before = clone(viewer)
  const bad: Delta = { type: 'delta', from: 102, seq: 102, asOf: 0, alarmRefs: [0, 25] }
  expect(applyDelta(viewer, bad)).toBe('gap')
  expect(viewer).toEqual(before)
})
