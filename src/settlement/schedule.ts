import type { Actor } from '../domain/actor.js';
import type { WindowService } from './windows.js';

/** The scheduler's actor in the audit log. */
export const SCHEDULER_ACTOR: Actor = { id: 'scheduler', role: 'operator' };

/**
 * Closes the open window of each currency every `intervalMs` (what `vostro serve --window-seconds`
 * runs), so that settlement happens on a rhythm without an operator at the keyboard. One round at
 * a time; a failed close is reported and tried again at the next tick. `stop` waits for a round
 * in progress.
 */
export class WindowScheduler {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly windows: WindowService,
    private readonly currencies: readonly string[],
    intervalMs: number,
    private readonly report: {
      closed(id: string, next: string): void;
      failed(currency: string, error: unknown): void;
    },
  ) {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Closes every currency's window once now (also what each tick does). */
  tick(): Promise<void> {
    if (this.busy) return this.running;
    this.busy = true;
    this.running = (async () => {
      for (const currency of this.currencies) {
        try {
          const { closed, opened } = await this.windows.close(currency, SCHEDULER_ACTOR);
          this.report.closed(closed.id, opened.id);
        } catch (error) {
          this.report.failed(currency, error);
        }
      }
    })().finally(() => (this.busy = false));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
