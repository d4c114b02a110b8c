import { prepareEvent } from '../../server/ingest/prepare.ts'
import { dayStartMs, deadlineMs, regionDay } from '../../shared/time.ts'

// Run by days.test.ts in a child process with another TZ: prints how region-time helpers place
// instants, so the test can show they do not depend on the process's zone.

const tz = 'Asia/Shanghai'
const at = (iso: string) => ({
  id: 'ev-tz-probe',
  type: 'inspection.completed' as const,
  inspectionId: 'IN-1',
  town: 't',
  domain: 'd',
  hazardsFound: 0,
  at: iso,
})
console.log(
  JSON.stringify({
    processOffsetMinutes: new Date('2025-03-01T12:00:00Z').getTimezoneOffset(),
    lastSecond: prepareEvent(at('2025-03-01T23:59:59+08:00'), tz).day,
    firstSecond: prepareEvent(at('2025-03-02T00:00:01+08:00'), tz).day,
    utcWritten: prepareEvent(at('2025-03-01T16:00:01Z'), tz).day,
    newYear: prepareEvent(at('2024-12-31T16:00:00Z'), tz).year,
    dayStart: dayStartMs('2025-03-02', tz),
    deadline: deadlineMs('2025-03-01', tz),
    today: regionDay(Date.parse('2025-03-01T16:30:00Z'), tz),
  }),
)
