import { parseArgs } from 'node:util'
import type { BenchOptions } from './lib/options.ts'
import { stopAllChildren } from './lib/procs.ts'
import { table, writeResult, type ScenarioResult } from './lib/report.ts'
import { ingest } from './scenarios/ingest.ts'
import { fanout } from './scenarios/fanout.ts'
import { burst } from './scenarios/burst.ts'
import { wallSoak } from './scenarios/wall-soak.ts'
import { bundle } from './scenarios/bundle.ts'

// npm run bench -- [scenario...] [--quick] [--viewers 1000,5000] [--batches 1,100,500] [--seconds N] [--minutes N] [--profile] [--load]
// npm run bench -- ingest --redis single|sentinel|cluster   (REDIS_WAIT_REPLICAS 0 and 1 beside one plain Redis)
// Runs each scenario (all by default), prints its table and writes bench/results/<scenario>.json.

export const SCENARIOS: Record<string, (opts: BenchOptions) => Promise<ScenarioResult>> = {
  ingest,
  fanout,
  burst,
  'wall-soak': wallSoak,
  bundle,
}

function topology(text: string | undefined): BenchOptions['redis'] {
  if (text === undefined) return undefined
  if (text === 'single' || text === 'sentinel' || text === 'cluster') return text
  throw new Error(`--redis must be single, sentinel or cluster (got ${text})`)
}

export async function runBench(argv: string[]): Promise<ScenarioResult[]> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      viewers: { type: 'string' },
      batches: { type: 'string' },
      seconds: { type: 'string' },
      minutes: { type: 'string' },
      profile: { type: 'boolean', default: false },
      redis: { type: 'string' },
      load: { type: 'boolean', default: false },
    },
  })
  const unknown = positionals.filter((p) => !(p in SCENARIOS))
  if (unknown.length)
    throw new Error(
      `unknown scenario ${unknown.join(', ')}: choose from ${Object.keys(SCENARIOS).join(', ')}`,
    )
  const number = (text: string | undefined, name: string) => {
    if (text === undefined) return undefined
    const n = Number(text)
    if (!(n > 0)) throw new Error(`--${name} must be a positive number (got ${text})`)
    return n
  }
  const opts: BenchOptions = {
    quick: values.quick ?? false,
    viewers: values.viewers?.split(',').map((v) => number(v, 'viewers')!),
    batches: values.batches?.split(',').map((v) => number(v, 'batches')!),
    seconds: number(values.seconds, 'seconds'),
    minutes: number(values.minutes, 'minutes'),
    profile: values.profile ?? false,
    redis: topology(values.redis),
    load: values.load ?? false,
    command: ['npm run bench --', ...argv].join(' '),
  }
  const results: ScenarioResult[] = []
  for (const name of positionals.length ? positionals : Object.keys(SCENARIOS)) {
    try {
      const result = await SCENARIOS[name](opts)
      console.log(`\n${table(result)}\n→ ${writeResult(result)}`)
      results.push(result)
    } finally {
      await stopAllChildren()
    }
  }
  return results
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runBench(process.argv.slice(2)).then(
    () => process.exit(0),
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}
