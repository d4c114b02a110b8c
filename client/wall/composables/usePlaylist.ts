import { onBeforeUnmount, readonly, ref } from 'vue'

// The wall's pages: each has its own address (`/` the main page, `/readiness` 应急准备与责任落实),
// and `?pages=main,readiness&dwell=60` rotates them in place, as Grafana's playlists do: the page
// changes, the feed's socket and the store stay, so the data never reloads.

export const PAGES = ['main', 'readiness'] as const
export type WallPage = (typeof PAGES)[number]

const PATHS: Record<string, WallPage> = { '/': 'main', '/index.html': 'main', '/readiness': 'readiness' }
const DWELL_DEFAULT_S = 60
const DWELL_MIN_S = 5

const isPage = (name: string): name is WallPage => (PAGES as readonly string[]).includes(name)

export interface Playlist {
  pages: WallPage[]
  dwellMs: number
}

/** The page the address names, and the playlist `?pages=` asks for (null: no rotation). */
export function readAddress(pathname: string, search: string): { page: WallPage; playlist: Playlist | null } {
  const params = new URLSearchParams(search)
  const page = PATHS[pathname.replace(/\/+$/, '') || '/'] ?? 'main'
  const pages = (params.get('pages') ?? '').split(',').filter(isPage)
  if (pages.length < 2) return { page: pages[0] ?? page, playlist: null }
  const dwell = Number(params.get('dwell') ?? DWELL_DEFAULT_S)
  const dwellS = Number.isFinite(dwell) ? Math.max(DWELL_MIN_S, dwell) : DWELL_DEFAULT_S
  return { page: pages.includes(page) ? page : pages[0], playlist: { pages, dwellMs: dwellS * 1000 } }
}

const current = ref<WallPage>(readAddress(location.pathname, location.search).page)
/** The page on screen (WallHeader names it). */
export const currentPage = readonly(current)

/** Starts the rotation the address asks for; stopped when the calling component unmounts. */
export function usePlaylist() {
  const { page, playlist } = readAddress(location.pathname, location.search)
  current.value = page
  let timer: ReturnType<typeof setInterval> | undefined
  if (playlist) {
    timer = setInterval(() => {
      const i = playlist.pages.indexOf(current.value)
      current.value = playlist.pages[(i + 1) % playlist.pages.length]
    }, playlist.dwellMs)
  }
  onBeforeUnmount(() => clearInterval(timer))
  return currentPage
}
