import { expect, test } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { configuredTarget, describeTarget, type RedisClient } from '../../server/store/connect.ts'
import { storageUnavailable } from '../../server/store/unavailable.ts'
import { NotReplicatedError } from '../../server/store/store.ts'

test('exactly one Redis topology: two at once, or a Sentinel set without its name, stops the start in one line', () => {
  const bad = [
    [
      { REDIS_URL: 'redis://a:6379', REDIS_CLUSTER: 'b:7000' },
      /REDIS_URL and REDIS_CLUSTER are both set: give exactly one of/,
    ],
    [
      { REDIS_SENTINELS: 'a:26379', REDIS_CLUSTER: 'b:7000', REDIS_SENTINEL_NAME: 'm' },
      /REDIS_SENTINELS and REDIS_CLUSTER are both set/,
    ],
    [{ REDIS_SENTINELS: 'a:26379' }, /REDIS_SENTINELS is set without REDIS_SENTINEL_NAME/],
    [{ REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINEL_NAME is set without REDIS_SENTINELS/],
    [{ REDIS_CLUSTER: 'rediss://a:7000,b:7001' }, /REDIS_CLUSTER mixes rediss:\/\/ and plain addresses/],
    [{ REDIS_CLUSTER: 'a' }, /REDIS_CLUSTER/],
    [{ REDIS_WAIT_REPLICAS: 'two' }, /REDIS_WAIT_REPLICAS must be a whole number/],
  ] as const
  for (const [env, message] of bad) {
    let said = ''
    try {
      loadConfig(env)
    } catch (err) {
      said = (err as Error).message
    }
    expect(said).toMatch(message)
    expect(said).not.toMatch(/\n/)
  }
})

test('each topology is read from its variables; none leaves the embedded default; passwords never reach a log line', () => {
  expect(configuredTarget(loadConfig({}))).toBeNull()
  expect(loadConfig({}).redisWaitReplicas).toBe(0)
  expect(configuredTarget(loadConfig({ REDIS_URL: 'rediss://:secret@h:6380' }))).toEqual({
    kind: 'single',
    url: 'rediss://:secret@h:6380',
  })
  const sentinel = configuredTarget(
    loadConfig({
      REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379,[::1]:26380',
      REDIS_SENTINEL_NAME: 'lookout',
      REDIS_PASSWORD: 'secret',
    }),
  )
  expect(sentinel).toEqual({
    kind: 'sentinel',
    sentinels: [
      { host: '10.0.0.1', port: 26379 },
      { host: '10.0.0.2', port: 26379 },
      { host: '::1', port: 26380 },
    ],
    name: 'lookout',
    password: 'secret',
    tls: false,
  })
  const cluster = configuredTarget(loadConfig({ REDIS_CLUSTER: 'rediss://a:7000,rediss://b:7001' }))
  expect(cluster).toMatchObject({
    kind: 'cluster',
    tls: true,
    seeds: [
      { host: 'a', port: 7000 },
      { host: 'b', port: 7001 },
    ],
  })
  expect(describeTarget(sentinel!)).toBe(
    'Sentinel primary "lookout" via 10.0.0.1:26379,10.0.0.2:26379,::1:26380',
  )
  expect(describeTarget({ kind: 'single', url: 'redis://:secret@h:6379' })).not.toMatch(/secret/)
})

test('command-aborted-on-connection-close-answered-500: every failover failure is "storage unavailable" (503), a bug is not', () => {
  const ready = { status: 'ready' } as unknown as RedisClient
  const failover = [
    Object.assign(new Error('Command aborted due to connection close'), { name: 'AbortError' }),
    new Error('MOVED 1234 127.0.0.1:7001'),
    new Error('ASK 1234 127.0.0.1:7001'),
    new Error('CLUSTERDOWN The cluster is down'),
    new Error('TRYAGAIN Multiple keys request during rehashing of slot'),
    new Error("READONLY You can't write against a read only replica."),
    new Error('LOADING Redis is loading the dataset in memory'),
    new Error('NOREPLICAS Not enough good replicas to write.'),
    new Error('Too many Cluster redirections. Last error: Error: CLUSTERDOWN'),
    new NotReplicatedError(1, 0),
  ]
  for (const err of failover)
    expect([err.message, storageUnavailable(err, ready)]).toEqual([err.message, true])
  expect(storageUnavailable(new Error('ERR Error running script: attempt to index a nil value'), ready)).toBe(
    false,
  )
})
