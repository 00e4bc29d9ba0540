import type { Socket } from 'node:net';

/** What went over the wire during the measured calls. */
export interface HttpTraffic {
  /** Responses by status code ("200": 981, "503": 19); requests with no response are not here. */
  statusCodes: Record<string, number>;
  /** Bytes the connections wrote (request heads and bodies), as the sockets count them. */
  bytesSent: number;
  /** Bytes the connections read (response heads, bodies and their framing). */
  bytesReceived: number;
}

/**
 * Counts responses by status and the bytes of every connection the pool opens. Bytes come
 * from the sockets themselves (exact, and free per request); the count starts when the
 * measured calls do, so warm-up requests are left out.
 */
export class TrafficCounter {
  /** Responses by status code; a typed array indexed by code: no allocation per response. */
  private readonly statuses = new Float64Array(1000);
  private readonly open = new Set<Socket>();
  private closedWritten = 0;
  private closedRead = 0;
  private baselineWritten = 0;
  private baselineRead = 0;

  /** A connection the pool opened: its bytes count from now until it closes. */
  track(socket: Socket): void {
    this.open.add(socket);
    socket.once('close', () => {
      this.open.delete(socket);
      this.closedWritten += socket.bytesWritten;
      this.closedRead += socket.bytesRead;
    });
  }

  response(status: number): void {
    this.statuses[status > 0 && status < 1000 ? status : 0]!++;
  }

  /** The measured calls start: what was counted so far (warm-up) is forgotten. */
  restart(): void {
    this.statuses.fill(0);
    const [written, read] = this.totals();
    this.baselineWritten = written;
    this.baselineRead = read;
  }

  snapshot(): HttpTraffic {
    const statusCodes: Record<string, number> = {};
    for (let code = 0; code < this.statuses.length; code++) {
      const n = this.statuses[code]!;
      if (n > 0) statusCodes[String(code)] = n;
    }
    const [written, read] = this.totals();
    return {
      statusCodes,
      bytesSent: written - this.baselineWritten,
      bytesReceived: read - this.baselineRead,
    };
  }

  private totals(): [written: number, read: number] {
    let written = this.closedWritten;
    let read = this.closedRead;
    for (const socket of this.open) {
      written += socket.bytesWritten;
      read += socket.bytesRead;
    }
    return [written, read];
  }
}
