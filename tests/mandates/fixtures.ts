import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import type { App } from '../../server/app.ts'
import { regionPrefix } from '../../server/store/keys.ts'
import { rebuildCheck } from '../../server/store/rebuild.ts'
import { defineScripts } from '../../server/store/store.ts'
import type {
  DrillCompleted,
  DutyAssigned,
  TaskDefined,
  TaskProgress,
  PrincipalScoreRevoked,
  PrincipalScored,
  ResourceRegistered,
  ResourceRetired,
} from '../../shared/mandates/events.ts'
import { authApp, tokensFixture } from '../access/setup.ts'
import { TOWN, eid, fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import { privateRedis } from '../helpers/redis.ts'
import { entityId } from '../ingest/fixtures.ts'

// The mandates tests' fixture: an app per test on a private Redis (mandatesApp), and valid events
// of the mandates (shared/mandates/events.ts), overridden where a test needs it.

/** The morning the mandates tests start at, in region time: each test's clock is set back to it. */
const START = '2026-05-06T09:00:00+08:00'

/**
 * For one test file: a private Redis, and before each test a fresh app in a fresh key space on a
 * clock set back to START. Call it at the top of the file; read `app` inside a test (each has its own).
 */
export function mandatesApp() {
  const clock = fakeClock(START)
  let redis: Awaited<ReturnType<typeof privateRedis>>
  let client: Redis
  let app: App
  let space: string
  beforeAll(async () => {
    redis = await privateRedis()
    client = new Redis(redis.url)
    defineScripts(client)
  })
  afterAll(async () => {
    client.disconnect()
    await redis.cleanup()
  })
  beforeEach(async () => {
    clock.set(START)
    space = freshSpace()
    app = await testApp({ redisUrl: redis.url, keyVariant: space, clock })
  })
  afterEach(async () => {
    await app.close()
  })

  const prefix = (keySpace: string) => regionPrefix(region.city.code, keySpace)
  return {
    clock,
    /** This test's app. */
    get app() {
      return app
    },
    /** A client of the same Redis, to look at the keys themselves. */
    get client() {
      return client
    },
    /** A key of this test's space (`scores`, `duty`). */
    key: (name: string) => `${prefix(space)}${name}`,
    /** The rebuild check: this test's log replayed into a space beside it, compared with the live keys. */
    rebuildCheck: () =>
      rebuildCheck({
        redis: client,
        region,
        dedupeSeconds: 30 * 86_400,
        livePrefix: prefix(space),
        rebuildPrefix: prefix(`${space}rb`),
      }),
    /** Runs `run` on an app with auth on (one token of each kind) over the same Redis, then closes it. */
    async withAuth(run: (app: App, tokens: ReturnType<typeof tokensFixture>['tokens']) => Promise<void>) {
      const fixture = tokensFixture()
      const authed = await authApp({
        redisUrl: redis.url,
        tokensFile: fixture.path,
        config: { tickMs: 60_000 },
      })
      try {
        await run(authed, fixture.tokens)
      } finally {
        await authed.close()
        fixture.cleanup()
      }
    },
  }
}

type Over<T> = Partial<Omit<T, 'type'>>

export const score = (enterpriseId: string, over: Over<PrincipalScored> = {}): PrincipalScored => ({
  id: eid('ps'),
  type: 'principal.scored',
  scoreId: entityId('PS'),
  enterpriseId,
  reason: 'major_hazard_unrectified',
  ...over,
})

export const revoke = (scoreId: string, over: Over<PrincipalScoreRevoked> = {}): PrincipalScoreRevoked => ({
  id: eid('pr'),
  type: 'principal.score_revoked',
  scoreId,
  ...over,
})

export const resource = (over: Over<ResourceRegistered> = {}): ResourceRegistered => ({
  id: eid('rr'),
  type: 'resource.registered',
  resourceId: entityId('RS'),
  kind: 'rescue_team',
  name: '泰兴市危化品应急救援队',
  town: TOWN,
  domain: 'production',
  size: 24,
  ...over,
})

export const retire = (resourceId: string): ResourceRetired => ({
  id: eid('rt'),
  type: 'resource.retired',
  resourceId,
})

export const drill = (over: Over<DrillCompleted> = {}): DrillCompleted => ({
  id: eid('dr'),
  type: 'drill.completed',
  drillId: entityId('DR'),
  town: TOWN,
  domain: 'production',
  participants: 40,
  scenario: '储罐泄漏处置',
  ...over,
})

export const duty = (over: Over<DutyAssigned> = {}): DutyAssigned => ({
  id: eid('du'),
  type: 'duty.assigned',
  day: '2026-05-06',
  leader: '王建国',
  leaderExt: '8001',
  officer: '陈晓',
  officerExt: '8101',
  ...over,
})

export const task = (over: Over<TaskDefined> = {}): TaskDefined => ({
  id: eid('td'),
  type: 'task.defined',
  taskId: entityId('TK'),
  title: '开展危化品企业安全专项整治',
  owner: 'yjj',
  year: 2026,
  quarter: 2,
  due: '2026-06-30',
  ...over,
})

export const progress = (taskId: string, status: TaskProgress['status']): TaskProgress => ({
  id: eid('tp'),
  type: 'task.progress',
  taskId,
  status,
})
