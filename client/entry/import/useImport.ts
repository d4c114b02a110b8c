import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import { readProgress, sha256Hex, uploadLedger, type ImportProgress, type UploadAnswer } from './api.ts'

// One import at a time, from fingerprint to answer: hash the file, upload it (browser-side progress),
// poll the server's check/apply progress by the file's hash, then hold the answer.

export type ImportStage = 'idle' | 'hashing' | 'uploading' | 'waiting' | 'checking' | 'applying' | 'finished'

const POLL_MS = 400

export function useImport(opts: { token: () => string }) {
  const stage = ref<ImportStage>('idle')
  const sent = ref(0)
  const size = ref(0)
  const server = ref<ImportProgress | null>(null)
  const answer = shallowRef<UploadAnswer | null>(null)
  /** The browser could not hash the file: the server's progress cannot be asked for. */
  const noHash = ref(false)
  let timer: ReturnType<typeof setInterval> | undefined
  /** Bumped per run: a poll answered after its run ended is ignored. */
  let run = 0

  const stopPolling = () => {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
  }

  function poll(fileHash: string, mine: number) {
    let inFlight = false
    timer = setInterval(async () => {
      if (inFlight) return
      inFlight = true
      try {
        const p = await readProgress(fileHash, opts.token())
        if (mine !== run || stage.value === 'finished' || !p) return
        if (p.phase === 'checking' || p.phase === 'applying') {
          server.value = p
          stage.value = p.phase
        }
      } catch {
        /* a missed poll: the next one asks again, and the upload's answer ends it anyway */
      } finally {
        inFlight = false
      }
    }, POLL_MS)
  }

  async function start(file: File): Promise<void> {
    const mine = ++run
    stopPolling()
    answer.value = null
    server.value = null
    sent.value = 0
    size.value = file.size
    noHash.value = false
    stage.value = 'hashing'
    const fileHash = await sha256Hex(file)
    if (mine !== run) return
    noHash.value = fileHash === null
    stage.value = 'uploading'
    const result = await uploadLedger(file, fileHash, opts.token(), {
      progress(loaded, total) {
        if (mine !== run) return
        sent.value = loaded
        size.value = total
      },
      sent() {
        if (mine !== run) return
        stage.value = 'waiting'
        // Asked only once the file is all sent: before that the server has not heard of it.
        if (fileHash) poll(fileHash, mine)
      },
    })
    if (mine !== run) return
    stopPolling()
    answer.value = result
    stage.value = 'finished'
  }

  /** The bar: bytes while uploading, rows while the server checks and applies. */
  const bar = computed(() => {
    if (stage.value === 'uploading') return { value: sent.value, max: Math.max(size.value, 1) }
    if ((stage.value === 'checking' || stage.value === 'applying') && server.value) {
      return { value: server.value.done, max: Math.max(server.value.total, 1) }
    }
    return null
  })
  const busy = computed(() => stage.value !== 'idle' && stage.value !== 'finished')

  onBeforeUnmount(() => {
    run++
    stopPolling()
  })

  return { stage, sent, size, server, answer, noHash, bar, busy, start }
}
