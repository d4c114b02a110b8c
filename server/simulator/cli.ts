import { parseArgs } from 'node:util'
import { LIVE_RATE, runSimulation } from './run.ts'
import { RejectedBatch } from './sender.ts'

// tsx server/simulator/cli.ts --url http://127.0.0.1:3000 --token <token> --rate 0.1 --seed 42 [--backfill-days 30] [--no-live]

export const USAGE = `Feeds a Lookout server a believable day of a city's work safety, through its public API.

  --url <url>            the server (default http://127.0.0.1:3000)
  --token <token>        a reporter or admin token, for a server with tokens on
                         (default: the LOOKOUT_TOKEN environment variable)
  --rate <n>             live events per second (default ${LIVE_RATE}: one every 10 s)
  --seed <n>             same seed, same city: a re-run counts nothing twice (default 42)
  --backfill-days <n>    days of history sent first, today included (default 30; a re-run
                         counts nothing twice while this is within the server's DEDUPE_DAYS)
  --no-live              stop after the history
`

export interface SimulatorArgs {
  url: string
  token?: string
  rate: number
  seed: number
  backfillDays: number
  live: boolean
  help: boolean
}

/** Reads the simulator's flags; throws with a readable message for a bad one. Without `url`, --url is refused. */
export function parseSimulatorArgs(argv: string[], opts: { url: boolean } = { url: true }): SimulatorArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      token: { type: 'string' },
      rate: { type: 'string', default: String(LIVE_RATE) },
      seed: { type: 'string', default: '42' },
      'backfill-days': { type: 'string', default: '30' },
      'no-live': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  })
  if (!opts.url && argv.some((a) => a === '--url' || a.startsWith('--url=')))
    throw new Error('--url is not an option here')
  const number = (flag: string, text: string, ok: (n: number) => boolean, what: string) => {
    const n = Number(text)
    if (text.trim() === '' || !ok(n)) throw new Error(`--${flag} must be ${what} (got "${text}")`)
    return n
  }
  return {
    url: values.url,
    token: values.token ?? process.env.LOOKOUT_TOKEN,
    rate: number('rate', values.rate, (n) => n > 0 && n <= 100_000, 'a number of events per second above 0'),
    seed: number(
      'seed',
      values.seed,
      (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32,
      'a whole number from 0 to 4294967295',
    ),
    backfillDays: number(
      'backfill-days',
      values['backfill-days'],
      (n) => Number.isInteger(n) && n >= 0 && n <= 366,
      'a whole number of days from 0 to 366',
    ),
    live: !values['no-live'],
    help: values.help,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let args: SimulatorArgs
  try {
    args = parseSimulatorArgs(process.argv.slice(2))
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (args.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const stop = new AbortController()
  process.once('SIGINT', () => stop.abort(new Error('stopped')))
  process.once('SIGTERM', () => stop.abort(new Error('stopped')))
  try {
    const result = await runSimulation({ ...args, signal: stop.signal })
    const l = result.live
    if (args.live)
      console.log(
        `simulator: stopped after ${l.events.toLocaleString('en-US')} live events (${l.applied.toLocaleString('en-US')} applied)`,
      )
  } catch (err) {
    if (!(err instanceof RejectedBatch)) console.error(`simulator: ${(err as Error).message}`)
    process.exit(1)
  }
}
