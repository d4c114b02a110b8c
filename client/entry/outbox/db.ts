import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { ErrorDetail, LookoutEvent } from '../../../shared/events.ts'

// The outbox lives in IndexedDB so a submission outlives a closed tab, a dead battery or a reload
// in a yard with no signal. Submissions wait in `outbox` in the order made (auto-increment key);
// once the server answers definitely, one transaction moves them to `history`.

/**
 * What the event alone does not say but the reporter should see: the town of a status change or of
 * an enterprise's work, the hazard's title, the enterprise's name.
 */
export interface SubmissionContext {
  town?: string
  hazardTitle?: string
  enterpriseName?: string
}

export interface OutboxItem {
  /** Auto-increment key: sending order. */
  key?: number
  event: LookoutEvent
  context: SubmissionContext
  createdAt: number
  attempts: number
  lastError?: string
}

export type Outcome = 'applied' | 'duplicate' | 'refused'

export interface HistoryEntry {
  /** The event id. */
  id: string
  event: LookoutEvent
  context: SubmissionContext
  createdAt: number
  answeredAt: number
  outcome: Outcome
  /** For refusals: the HTTP status, the server's reason and the fields it named. */
  status?: number
  error?: string
  details?: ErrorDetail[]
  /** A refusal the reporter has not yet been shown (the bar says so): kept however old. */
  unseen?: boolean
}

interface EntrySchema extends DBSchema {
  outbox: { key: number; value: OutboxItem }
  history: { key: string; value: HistoryEntry; indexes: { answeredAt: number } }
}

const DB_NAME = 'lookout-entry'
/** Answers kept on the device. */
const HISTORY_KEEP = 50

export class OutboxDb {
  private constructor(private readonly db: IDBPDatabase<EntrySchema>) {}

  static async open(): Promise<OutboxDb> {
    const db = await openDB<EntrySchema>(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore('outbox', { keyPath: 'key', autoIncrement: true })
        db.createObjectStore('history', { keyPath: 'id' }).createIndex('answeredAt', 'answeredAt')
      },
      // A newer page version wants to upgrade: let it, this tab reloads its lists on next use.
      blocking() {
        db.close()
      },
    })
    return new OutboxDb(db)
  }

  async add(event: LookoutEvent, context: SubmissionContext): Promise<void> {
    await this.db.add('outbox', { event, context, createdAt: Date.now(), attempts: 0 })
  }

  /** Every waiting submission, oldest first. */
  pending(): Promise<OutboxItem[]> {
    return this.db.getAll('outbox')
  }

  /** The oldest waiting submission: the next to send. */
  async first(): Promise<OutboxItem | undefined> {
    const cursor = await this.db.transaction('outbox').store.openCursor()
    return cursor?.value
  }

  async noteAttempt(key: number, error: string): Promise<void> {
    const tx = this.db.transaction('outbox', 'readwrite')
    const item = await tx.store.get(key)
    if (item) await tx.store.put({ ...item, attempts: item.attempts + 1, lastError: error })
    await tx.done
  }

  /**
   * Moves a submission the server answered definitely from the outbox to the history, atomically.
   * A history entry already there (another tab sent it first) is kept: it holds the first answer.
   */
  async settle(
    item: OutboxItem,
    answer: Omit<HistoryEntry, 'id' | 'event' | 'context' | 'createdAt' | 'answeredAt'>,
  ): Promise<void> {
    const tx = this.db.transaction(['outbox', 'history'], 'readwrite')
    const history = tx.objectStore('history')
    await tx.objectStore('outbox').delete(item.key!)
    if (!(await history.get(item.event.id))) {
      await history.put({
        id: item.event.id,
        event: item.event,
        context: item.context,
        createdAt: item.createdAt,
        answeredAt: Date.now(),
        ...answer,
        ...(answer.outcome === 'refused' ? { unseen: true } : {}),
      })
    }
    // Keep the newest answers only, and every refusal not yet shown (50 later reports must not
    // push one out unseen).
    let excess = (await history.count()) - HISTORY_KEEP
    let cursor = await history.index('answeredAt').openCursor()
    while (cursor && excess > 0) {
      if (!cursor.value.unseen) {
        await cursor.delete()
        excess--
      }
      cursor = await cursor.continue()
    }
    await tx.done
  }

  /** The reporter was shown the refusals. */
  async markRefusalsSeen(): Promise<void> {
    const tx = this.db.transaction('history', 'readwrite')
    for (const entry of await tx.store.getAll())
      if (entry.unseen) await tx.store.put({ ...entry, unseen: false })
    await tx.done
  }

  /** The newest answers first. */
  async history(): Promise<HistoryEntry[]> {
    return (await this.db.getAllFromIndex('history', 'answeredAt')).reverse()
  }
}
