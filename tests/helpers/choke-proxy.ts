import { createServer, connect, type Socket } from 'node:net'

/**
 * A TCP proxy in front of a server that can stop passing the server's bytes on, as a screen
 * behind a choking network would: the server's socket backs up while the viewer keeps its connection.
 */
export async function chokeProxy(targetUrl: string) {
  const target = new URL(targetUrl)
  const upstreams = new Set<Socket>()
  let choked = false
  const server = createServer((down) => {
    const up = connect(Number(target.port), target.hostname)
    upstreams.add(up)
    if (choked) up.pause()
    down.pipe(up)
    up.on('data', (chunk) => {
      if (!down.write(chunk)) up.pause()
    })
    down.on('drain', () => {
      if (!choked) up.resume()
    })
    const end = () => {
      upstreams.delete(up)
      up.destroy()
      down.destroy()
    }
    up.on('close', end)
    down.on('close', end)
    up.on('error', end)
    down.on('error', end)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    choke: () => {
      choked = true
      for (const up of upstreams) up.pause()
    },
    release: () => {
      choked = false
      for (const up of upstreams) up.resume()
    },
    close: () =>
      new Promise<void>((r) => {
        for (const up of upstreams) up.destroy()
        server.close(() => r())
      }),
  }
}
