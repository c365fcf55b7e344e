// The org's daily API request counter behind Sforce-Limit-Info and REQUEST_LIMIT_EXCEEDED; it starts over each UTC day.

export class ApiUsage {
  private day = utcDay();
  private used = 0;

  constructor(private readonly limit: () => number) {}

  /** Counts one call, or answers false when the day's allowance is already spent (a refused call is not counted). */
  consume(): boolean {
    this.rollOver();
    if (this.used >= this.limit()) return false;
    this.used++;
    return true;
  }

  current(): { used: number; limit: number } {
    this.rollOver();
    return { used: this.used, limit: this.limit() };
  }

  header(): string {
    const { used, limit } = this.current();
    return `api-usage=${used}/${limit}`;
  }

  reset(): void {
    this.used = 0;
  }

  private rollOver(): void {
    const today = utcDay();
    if (today !== this.day) {
      this.day = today;
      this.used = 0;
    }
  }
}

function utcDay(): string {
  return new Date().toISOString().slice(0, 10);
}
