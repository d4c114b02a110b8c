import { connect, type Socket } from 'node:net'

// A lean HTTP/1.1 keep-alive client for load: one request in flight per connection, requests
// written as raw bytes and answers cut by Content-Length (what autocannon does). A general client
// (fetch/undici) would cost the load process more CPU than the server spends on a request, and on a
// 2-core machine that CPU is taken from the server.

export interface HttpAnswer {
  status: number
  body: string
}

export class HttpConnection {
  private buffer: Buffer = Buffer.alloc(0)
  private waiting: { resolve: (a: HttpAnswer) => void; reject: (e: Error) => void } | null = null
  private closed = false

  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    const fail = (err: Error) => {
      this.closed = true
      const w = this.waiting
      this.waiting = null
      w?.reject(err)
    }
    socket.on('error', fail)
    socket.on('close', () => fail(new Error('connection closed')))
  }

  static open(url: string): Promise<HttpConnection> {
    const { hostname, port } = new URL(url)
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.off('error', reject)
        resolve(new HttpConnection(socket, `${hostname}:${port}`))
      })
      socket.once('error', reject)
    })
  }

  get busy(): boolean {
    return this.waiting !== null
  }

  get usable(): boolean {
    return !this.closed
  }

  request(method: string, path: string, body?: string): Promise<HttpAnswer> {
    if (this.waiting) throw new Error('one request at a time per connection')
    if (this.closed) return Promise.reject(new Error('connection closed'))
    const head =
      body === undefined
        ? `${method} ${path} HTTP/1.1\r\nHost: ${this.host}\r\n\r\n`
        : `${method} ${path} HTTP/1.1\r\nHost: ${this.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
      this.socket.write(body === undefined ? head : head + body)
    })
  }

  close(): void {
    this.closed = true
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk
    const headerEnd = this.buffer.indexOf('\r\n\r\n')
    if (headerEnd < 0) return
    const head = this.buffer.toString('latin1', 0, headerEnd)
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
    const end = headerEnd + 4 + length
    if (this.buffer.length < end) return
    const answer = {
      status: Number(head.slice(9, 12)),
      body: this.buffer.toString('utf8', headerEnd + 4, end),
    }
    this.buffer = this.buffer.subarray(end)
    const w = this.waiting
    this.waiting = null
    w?.resolve(answer)
  }
}
