import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { redisAnswers } from '../../server/store/redis-process.ts'

// A test process that ends without its cleanup (a beforeAll that timed out while a cluster was still
// forming) must not leave its redis-servers running: they would pile up run after run.

const topology = fileURLToPath(new URL('../helpers/redis-topology.ts', import.meta.url))

test('the redis-servers a test started die with its process when no cleanup ran', async () => {
  const script = `
    import { RedisNode } from ${JSON.stringify(topology)}
    import { freePort } from ${JSON.stringify(fileURLToPath(new URL('../../server/store/redis-process.ts', import.meta.url)))}
    import { mkdtempSync } from 'node:fs'
    import { tmpdir } from 'node:os'
    import { join } from 'node:path'
    const port = await freePort()
    const node = new RedisNode(port, mkdtempSync(join(tmpdir(), 'lookout-leftover-')), ['--port', String(port), '--save', ''])
    await node.start()
    console.log(port)
    process.exit(0)
  `
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  await new Promise((r) => child.once('exit', r))
  const port = Number(out.trim())
  expect(port).toBeGreaterThan(0)
  let answers = true
  for (let i = 0; i < 40 && answers; i++) {
    answers = await redisAnswers(port)
    if (answers) await new Promise((r) => setTimeout(r, 50))
  }
  expect(answers, `redis-server on ${port} outlived the test process`).toBe(false)
})
