import { createServer } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { AddressInfo } from 'node:net'
import { ConfigError, loadConfig } from './config.ts'
import { describeTarget } from './store/connect.ts'
import { startServer } from './main.ts'
import { parseSimulatorArgs, type SimulatorArgs } from './simulator/cli.ts'
import { runSimulation } from './simulator/run.ts'
import { RejectedBatch } from './simulator/sender.ts'

// npm run demo [-- --rate 20 --seed 7 --backfill-days 30 --no-live]
// A server (embedded Redis by default) and the simulator feeding it over HTTP, with a banner saying
// where to look. Ctrl-C stops the feed, then the server and its embedded Redis.

const USAGE = `npm run demo [-- --rate <events/s> --seed <n> --backfill-days <n> --no-live]
Starts Lookout on PORT (default 3000) and feeds it a simulated city. Set REDIS_URL to use a given Redis.`

let args: SimulatorArgs
try {
  args = parseSimulatorArgs(process.argv.slice(2), { url: false })
} catch (err) {
  console.error(`${(err as Error).message}\n\n${USAGE}`)
  process.exit(2)
}
if (args.help) {
  console.log(USAGE)
  process.exit(0)
}

// Checked before anything starts, so a busy port costs no Redis child left behind.
let port: number
let host: string
try {
  ;({ port, host } = loadConfig(process.env))
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}
if (!(await portFree(port, host))) {
  console.error(
    `Port ${port} is in use: stop what runs there, or choose another, e.g. PORT=${port + 1} npm run demo`,
  )
  process.exit(1)
}

// Registered before the server's graceful close, so on Ctrl-C the feed stops first.
const stop = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\ndemo: stopping the simulator and the server…')
    stop.abort(new Error('stopped'))
  })
}

// Auth off: the explicit setting for local demos (the banner says so). A request log at 5 events a
// second would bury the banner: warnings only, unless LOG_LEVEL asks.
const { app, config, redis } = await startServer({
  auth: 'off',
  ...(process.env.LOG_LEVEL ? {} : { logLevel: 'warn' }),
})
const address = app.server.address() as AddressInfo
const wildcard = address.address === '0.0.0.0' || address.address === '::'
const selfUrl = `http://${wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
const local = wildcard || address.address.startsWith('127.') ? `http://localhost:${address.port}` : selfUrl

printBanner()

try {
  const result = await runSimulation({
    url: selfUrl,
    seed: args.seed,
    rate: args.rate,
    backfillDays: args.backfillDays,
    live: args.live,
    signal: stop.signal,
  })
  if (!stop.signal.aborted) {
    console.log(
      `demo: ${result.backfill.applied.toLocaleString('en-US')} events of history loaded, no live feed (--no-live). The wall stays up; Ctrl-C to stop.`,
    )
  }
} catch (err) {
  if (!(err instanceof RejectedBatch)) console.error(`demo: the simulator failed: ${(err as Error).message}`)
  console.error('demo: the simulator stopped; the server keeps running with what it has. Ctrl-C to stop.')
}

function printBanner(): void {
  const where = describeTarget(redis.target)
  const redisLine =
    {
      embedded: `embedded redis-server started for this demo (${where}, data in ${config.dataDir}), stopped with it`,
      'local 6379': `the Redis already running on 127.0.0.1:6379 (keys lk:{${config.region}}:*)`,
    }[redis.source] ?? `${redis.source} ${where}`
  const lan = wildcard ? lanAddresses().map((ip) => `http://${ip}:${address.port}/`) : []
  const lines = [
    '',
    '  Lookout demo',
    '',
    `  Wall         ${local}/`,
    `  Entry page   ${local}/entry`,
    ...(lan.length ? [`  Network      ${lan.join('  ')}`] : []),
    `  Redis        ${redisLine}`,
    `  Simulator    seed ${args.seed}, ${args.backfillDays} days of history, then ${args.live ? `${args.rate} events/s live` : 'no live feed'}`,
    `               (change with: npm run demo -- --rate 20 --seed 7)`,
    `  Access       OPEN: auth is off for the demo. Anyone who can reach this machine on port ${address.port}`,
    `               can watch the wall and post events: keep it to a trusted network (npm start needs tokens).`,
    '',
    '  Ctrl-C stops the simulator and the server' + (redis.source === 'embedded' ? ' and its Redis.' : '.'),
    '',
  ]
  console.log(lines.join('\n'))
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address)
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, host, () => probe.close(() => resolve(true)))
  })
}
