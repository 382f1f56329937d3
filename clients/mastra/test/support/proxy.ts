import net from 'node:net';

export interface ProxyBehaviour {
  /** For the connection numbered `index` (from 0): forward this many response bytes, then cut both sides. */
  cutAfterResponseBytes?: (index: number) => number | undefined;
  /** For the connection numbered `index`: forward this many response bytes, then drop the rest, keeping it open. */
  stallAfterResponseBytes?: (index: number) => number | undefined;
  /** Delay in ms before each response piece is forwarded. */
  responseDelayMs?: number;
}

/** A TCP proxy in front of Runstream that breaks or slows connections as told. */
export class FaultyProxy {
  connections = 0;
  cuts = 0;
  stalls = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(target: URL, behaviour: ProxyBehaviour) {
    this.server = net.createServer((client) => {
      const index = this.connections++;
      const upstream = net.connect(Number(target.port), target.hostname);
      this.sockets.add(client).add(upstream);
      client.on('close', () => this.sockets.delete(client));
      upstream.on('close', () => this.sockets.delete(upstream));
      let budget = behaviour.cutAfterResponseBytes?.(index);
      let stallBudget = behaviour.stallAfterResponseBytes?.(index);
      const cut = () => {
        this.cuts++;
        client.destroy();
        upstream.destroy();
      };
      client.on('data', (data) => upstream.write(data));
      upstream.on('data', (data) => {
        const forward = () => {
          if (client.destroyed) {
            return;
          }
          if (stallBudget !== undefined) {
            if (stallBudget === 0) {
              return;
            }
            const passed = data.subarray(0, stallBudget);
            stallBudget = data.length >= stallBudget ? 0 : stallBudget - data.length;
            if (stallBudget === 0) {
              this.stalls++;
            }
            client.write(passed);
            return;
          }
          if (budget !== undefined) {
            if (data.length >= budget) {
              client.write(data.subarray(0, budget));
              cut();
              return;
            }
            budget -= data.length;
          }
          client.write(data);
        };
        if (behaviour.responseDelayMs) {
          setTimeout(forward, behaviour.responseDelayMs);
        } else {
          forward();
        }
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('end', () => setTimeout(close, behaviour.responseDelayMs ?? 0));
    });
  }

  static async start(target: string, behaviour: ProxyBehaviour): Promise<FaultyProxy & { url: string }> {
    const proxy = new FaultyProxy(new URL(target), behaviour);
    await new Promise<void>((done) => proxy.server.listen(0, '127.0.0.1', done));
    const address = proxy.server.address() as net.AddressInfo;
    return Object.assign(proxy, { url: `http://127.0.0.1:${address.port}` });
  }

  /** Breaks every open connection, as a network failure would; new connections are still taken. */
  cutAll(): void {
    this.cuts += this.sockets.size;
    this.sockets.forEach((socket) => socket.destroy());
  }

  close(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    return new Promise((done) => this.server.close(() => done()));
  }
}
