// Answers of writes already carried out, kept unsent until released: the window where the provider has committed a
// write and its caller has not heard so (a crash mid-write lands there without racing it).
import type { RequestHandler } from 'express';

export class HeldAnswers {
  private held: (() => void)[] = [];

  get count(): number {
    return this.held.length;
  }

  /** Lets each request `isWrite` picks run, then keeps its answer while `holding()` says so. */
  middleware(holding: () => boolean, isWrite: (method: string, path: string) => boolean): RequestHandler {
    return (req, res, next) => {
      if (!holding() || !isWrite(req.method, req.path)) return next();
      const end = res.end.bind(res) as (...args: unknown[]) => void;
      res.end = ((...args: unknown[]) => {
        this.held.push(() => end(...args));
        return res;
      }) as typeof res.end;
      next();
    };
  }

  /** Sends every held answer (to a caller that may be gone by now). */
  releaseAll(): void {
    const released = this.held;
    this.held = [];
    for (const release of released) release();
  }
}
