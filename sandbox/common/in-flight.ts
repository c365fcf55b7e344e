// Requests in flight at once, and the most there were: what concurrency limits judge and the stats report.

export class InFlight {
  private current = 0;
  private highest = 0;

  get count(): number {
    return this.current;
  }

  get peak(): number {
    return this.highest;
  }

  /** Call when a request arrives; call the returned function once it is answered or abandoned (later calls do nothing). */
  start(): () => void {
    this.current++;
    this.highest = Math.max(this.highest, this.current);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.current--;
    };
  }

  /** Requests in flight during a reset are still in flight; only the peak starts over. */
  resetPeak(): void {
    this.highest = this.current;
  }
}
