import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadRegion } from '../../server/region.ts'
import { prepareEvent } from '../../server/ingest/prepare.ts'
import { useCompiledEventChecks } from '../../server/ingest/compiled-checks.ts'
import { RegionStore, defineScripts } from '../../server/store/store.ts'
import { checkEvents } from '../../shared/events.ts'
import { EventMix } from '../lib/mix.ts'
import { callgrindRedis } from '../lib/callgrind.ts'

// Instructions Redis spends per event on ingest, counted by callgrind (exact on a busy machine):
//   npx tsx bench/tools/script-cost.ts [--batch 500] [--rounds 6] [--warm 30] [--prototype] [--top 40]
// Default: the real ingest script, through RegionStore, on the realistic mix (bench/lib/mix.ts),
// after `warm` batches so the counter hashes are past Redis's listpack size (512 fields on Debian's
// Redis: below it every field lookup scans the hash). --prototype: the batch-first prototype
// (batch-first-prototype.lua) on batches of the same shape.

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '6' },
    warm: { type: 'string', default: '30' },
    prototype: { type: 'boolean', default: false },
    /** Also print the functions that cost the most (Redis and Lua internals, inclusive). */
    top: { type: 'string' },
  },
})
const BATCH = Number(values.batch)
const ROUNDS = Number(values.rounds)
const WARM = Number(values.warm)

const regionIndex = loadRegion({ region: '321283' })
const region = regionIndex
const mix = new EventMix({ region, tag: 'cost', duplicateShare: values.prototype ? 0 : 0.1 })
const cg = await callgrindRedis()

/** Checks and applies events as POST /api/events would (the check fills in a missing `at`). */
async function apply(store: RegionStore, events: unknown[]): Promise<void> {
  const now = Date.now()
  const checked = checkEvents({ events }, { region: regionIndex, now, batchMax: events.length })
  if (!checked.ok) throw new Error(JSON.stringify(checked.details.slice(0, 3)))
  const outcome = await store.ingest(
    checked.events.map((e) => prepareEvent(e, region.timeZone)),
    now,
  )
  if (!outcome.ok) throw new Error(`refused: ${outcome.field} ${outcome.reason}`)
}

async function realBatch(store: RegionStore): Promise<void> {
  const sent = Array.from({ length: BATCH }, () => mix.next())
  await apply(
    store,
    sent.map((s) => JSON.parse(s.json)),
  )
  mix.acknowledge(sent, true)
}

/**
 * The prototype's arguments for one batch of the mix's new events: what Node would send once it
 * had read the hazards' states and summed the counters (the cells as ingest.lua would touch them).
 */
const hazardStates = new Map<string, string>()
function prototypeArgs(): string[] {
  const ids: string[] = []
  const moves: string[] = []
  const records: string[] = []
  const due: string[] = []
  const raws: string[] = []
  const cells = {
    now: new Map<string, number>(),
    day: new Map<string, number>(),
    year: new Map<string, number>(),
  }
  const bump = (scope: keyof typeof cells, cell: string, by: number) =>
    cells[scope].set(cell, (cells[scope].get(cell) ?? 0) + by)
  const sent = []
  while (ids.length < BATCH) {
    const s = mix.next()
    const e = s.event
    if (!e) continue
    sent.push(s)
    ids.push(e.id)
    raws.push(s.json)
    if (e.type === 'hazard.reported') {
      const cell = `${e.town}|${e.domain}|${e.grade}`
      moves.push(e.hazardId, '', `reported|${cell}`)
      hazardStates.set(e.hazardId, `reported|${cell}`)
      records.push(e.hazardId, s.json)
      due.push('1798646400000', e.hazardId)
      bump('now', `hz.reported|${cell}`, 1)
      bump('day', `hz.found|${cell}`, 1)
      bump('year', `hz.found|${cell}`, 1)
    } else if (e.type === 'hazard.status') {
      const before = hazardStates.get(e.hazardId) ?? ''
      const cell = before.slice(before.indexOf('|') + 1)
      moves.push(e.hazardId, before, `${e.status}|${cell}`)
      hazardStates.set(e.hazardId, `${e.status}|${cell}`)
      bump('now', `hz.${before.split('|')[0]}|${cell}`, -1)
      bump('now', `hz.${e.status}|${cell}`, 1)
    } else if ('town' in e) {
      bump('day', `${e.type}|${e.town}|${e.domain}`, 1)
      bump('year', `${e.type}|${e.town}|${e.domain}`, 1)
    }
  }
  mix.acknowledge(sent, true)
  const counters: string[] = []
  for (const [scope, map] of Object.entries(cells)) {
    counters.push(scope, String(map.size))
    for (const [field, by] of map) counters.push(field, String(by))
  }
  const ticker = JSON.stringify(raws.slice(-12).map((r) => JSON.parse(r)))
  return [
    String(ids.length),
    ...ids,
    String(moves.length / 3),
    ...moves,
    String(records.length / 2),
    ...records,
    `[${raws.join(',')}]`,
    '3',
    ...counters,
    String(due.length / 2),
    ...due,
    ticker,
  ]
}

try {
  let run: () => Promise<unknown>
  if (values.prototype) {
    const sha = (await cg.redis.script(
      'LOAD',
      readFileSync(new URL('./batch-first-prototype.lua', import.meta.url), 'utf8'),
    )) as string
    run = async () => {
      const reply = (await cg.redis.evalsha(sha, 0, ...prototypeArgs())) as string[]
      if (reply[0] !== 'ok') throw new Error(`prototype: ${reply.join(' ')}`)
    }
  } else {
    defineScripts(cg.redis)
    useCompiledEventChecks()
    const store = new RegionStore(cg.redis, 'lk:{321283}:', { dedupeSeconds: 30 * 86_400, dueSoonDays: 3 })
    const registry = mix.registry()
    await apply(store, registry)
    mix.acknowledge(
      registry.map((e) => ({ json: JSON.stringify(e), event: e })),
      true,
    )
    run = () => realBatch(store)
  }
  for (let i = 0; i < WARM; i++) await run()
  cg.zero()
  for (let i = 0; i < ROUNDS; i++) await run()
  const perEvent = (await cg.instructions()) / (BATCH * ROUNDS)
  console.log(
    `${values.prototype ? 'batch-first prototype' : 'ingest.lua'}, batches of ${BATCH}: ${(perEvent / 1000).toFixed(1)}k instructions per event`,
  )
  if (values.top) console.log(cg.topFunctions(Number(values.top)))
} finally {
  await cg.stop()
}
