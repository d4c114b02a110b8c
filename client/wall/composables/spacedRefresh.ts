// A refresh that a change asks for "soon": at most one waits at a time, and it runs no sooner than
// `minGapMs` after the last run began (the lists a change moves are read from the API, not pushed).
export function spacedRefresh(refresh: () => Promise<void>, minGapMs: number) {
  let last = 0
  let pending: ReturnType<typeof setTimeout> | undefined
  return {
    /** Runs it now, and counts this run for the spacing. */
    now(): Promise<void> {
      last = Date.now()
      return refresh()
    },
    soon(): void {
      if (pending) return
      pending = setTimeout(
        () => {
          pending = undefined
          last = Date.now()
          void refresh()
        },
        Math.max(0, last + minGapMs - Date.now()),
      )
    },
    cancel(): void {
      clearTimeout(pending)
    },
  }
}
