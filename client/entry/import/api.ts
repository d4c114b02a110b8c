import type { ImportDone, ImportProgress, ImportRefused } from '../../../shared/api/import.ts'

// The import's HTTP calls: the upload (XMLHttpRequest, the one browser API that reports upload
// progress), the progress the server keeps under the file's SHA-256, and the template.

export type { ImportDone, ImportProgress, ImportRefused }

function authHeaders(token: string): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {}
}

/**
 * The file's SHA-256 in hex: the name the server files its progress under. Null where the browser
 * offers no crypto.subtle (a page on plain http from another machine is no secure context).
 */
export async function sha256Hex(file: Blob): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer())
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export type UploadAnswer =
  | { kind: 'done'; body: ImportDone }
  | { kind: 'refused'; status: number; body: ImportRefused }
  | { kind: 'error'; status: number; error: string }
  | { kind: 'network' }

export interface UploadListener {
  /** Bytes sent so far. */
  progress(sent: number, total: number): void
  /** The last byte is sent; the server is now reading the file. */
  sent(): void
}

/** POSTs the file (and its hash) as multipart form data, telling `listener` how the upload goes. */
export function uploadLedger(
  file: File,
  fileHash: string | null,
  token: string,
  listener: UploadListener,
): Promise<UploadAnswer> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/import')
    for (const [name, value] of Object.entries(authHeaders(token))) xhr.setRequestHeader(name, value)
    xhr.setRequestHeader('accept', 'application/json')
    xhr.upload.onprogress = (e) => listener.progress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.upload.onload = () => listener.sent()
    xhr.onerror = () => resolve({ kind: 'network' })
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        /* not JSON: a proxy's error page */
      }
      const b = body as Record<string, unknown> | null
      if (xhr.status === 200 && b) resolve({ kind: 'done', body: b as ImportDone })
      else if (b && Array.isArray(b.issues))
        resolve({ kind: 'refused', status: xhr.status, body: b as ImportRefused })
      else
        resolve({
          kind: 'error',
          status: xhr.status,
          error: typeof b?.error === 'string' ? b.error : `HTTP ${xhr.status}`,
        })
    }
    const form = new FormData()
    // Ahead of the file: the server files its progress under this hash before the upload ends.
    if (fileHash) form.append('sha256', fileHash)
    form.append('file', file, file.name)
    xhr.send(form)
  })
}

/** The server's progress of this file's import; null while it has not heard of it. */
export async function readProgress(fileHash: string, token: string): Promise<ImportProgress | null> {
  const res = await fetch(`/api/import/progress/${fileHash}`, {
    headers: { accept: 'application/json', ...authHeaders(token) },
  })
  if (!res.ok) return null
  return (await res.json()) as ImportProgress
}

/** The template as a file to save (fetched, so the token goes along in its header). */
export async function fetchTemplate(token: string): Promise<Blob> {
  const res = await fetch('/api/import/template.xlsx', { headers: authHeaders(token) })
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null
    throw new Error(body?.error ?? `HTTP ${res.status}`)
  }
  return res.blob()
}
