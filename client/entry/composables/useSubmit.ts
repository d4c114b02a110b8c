import { nextTick, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { checkEvents, type LookoutEvent } from '../../../shared/events.ts'
import { newEventId } from '../ids.ts'
import { serverNow } from '../clock.ts'
import type { SubmissionContext } from '../outbox/db.ts'
import { useOutboxStore } from '../stores/outbox.ts'
import { useRegionStore } from '../stores/region.ts'
import { byField, type FieldErrors } from '../validate.ts'

/** Drops empty fields (absent optional ones; a missing required one is then "required"), as JSON would. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as T
}

/** A second tap this soon after a submission, with nothing changed, is the same tap twice. */
const DOUBLE_TAP_MS = 2_000
/** Ids the page makes for each new hazard, inspection, accident or enterprise (ids.ts newEntityId). */
const MADE_ID = /^(hz|insp|acc|ent|ps)-\d{8}-[0-9a-f]{8}$/

/** What a report says, without what is made anew for each submission: its id, its time, new entity ids. */
function contentOf(event: LookoutEvent): string {
  const { id: _id, at: _at, ...said } = event
  return JSON.stringify(said, (_key, value: unknown) =>
    typeof value === 'string' && MADE_ID.test(value) ? '' : value,
  )
}

/**
 * A form's submit: the event gets its id now, when the reporter presses submit; it is checked
 * with the server's own checkEvents, and only a good one goes into the outbox. Problems are
 * returned by field for the form to show beside each input, and the first one is focused.
 */
export function useSubmit() {
  const outbox = useOutboxStore()
  const region = useRegionStore()
  const errors = ref<FieldErrors>({})
  const saving = ref(false)
  /** The id of the last submission this form put in the outbox. */
  const lastId = ref('')
  /** Why the outbox could not take the submission (storage unavailable): the form keeps its contents. */
  const failure = ref('')
  const { t } = useI18n()
  let submittedAt = 0
  /** What the last submission said (contentOf). */
  let submitted = ''

  async function submit(
    build: (id: string) => LookoutEvent,
    context: SubmissionContext = {},
  ): Promise<boolean> {
    if (!region.index || saving.value) return false
    const event = compact(build(newEventId()))
    // The same report as the last one (forms keep town and domain, and zeros are a valid report): a
    // quick second tap would file a second inspection or accident. Ignored at once; a valid one
    // asked about after that.
    const same = contentOf(event) === submitted
    if (same && Date.now() - submittedAt < DOUBLE_TAP_MS) return false
    const checked = checkEvents(event, { region: region.index, now: serverNow() })
    errors.value = checked.ok ? {} : byField(checked.details)
    if (!checked.ok) {
      await nextTick()
      // In this form only: two forms can share a tab (an enterprise's work and its registration).
      const first = document.querySelector<HTMLElement>(
        `[data-form="${event.type}"] .field--invalid :is(input, select, textarea)`,
      )
      first?.focus()
      first?.closest('.field')?.scrollIntoView({ block: 'center' })
      return false
    }
    if (same && !window.confirm(t('form.submitAgain'))) return false
    saving.value = true
    failure.value = ''
    try {
      // The event as written, without the `at` checkEvents fills in: the reporter's own `at` (if any) stays.
      await outbox.submit(event, context)
      lastId.value = event.id
      submittedAt = Date.now()
      submitted = contentOf(event)
      return true
    } catch (err) {
      failure.value = (err as Error).message
      return false
    } finally {
      saving.value = false
    }
  }

  /** The reporter started on the next one: "submitted" no longer describes what the form shows. */
  function edited(): void {
    lastId.value = ''
  }

  return { errors, saving, lastId, failure, submit, edited }
}
