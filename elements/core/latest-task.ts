import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Returned by a task to go back to the initial state (nothing to load yet). */
export const idle = Symbol('idle');

export type TaskStatus = 'initial' | 'pending' | 'complete' | 'error';

export interface LatestTaskOptions<A extends readonly unknown[], R> {
  /** `signal` aborts when a newer run starts: pass it to fetch where the call takes one. */
  task: (args: A, signal: AbortSignal) => Promise<R | typeof idle>;
  args: () => A;
  onComplete?: (value: R) => void;
  onError?: (error: unknown) => void;
}

/**
 * Runs an async task whenever its arguments change, and only the latest run may set the result: a slower,
 * older response never overwrites a newer one. Each run gets an AbortSignal that aborts when a newer run starts, so
 * a superseded request can be cancelled, not only ignored. The same contract as @lit/task's
 * Task (which also aborts) for what the elements use, in a fraction of its size (the editor bundle has a budget).
 */
export class LatestTask<A extends readonly unknown[], R> implements ReactiveController {
  status: TaskStatus = 'initial';
  /** The last completed value; kept while a newer run is pending, so a page can stay visible. */
  value: R | undefined;
  error: unknown;
  private run: AbortController | undefined;
  private lastArgs: A | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: LatestTaskOptions<A, R>,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const args = this.options.args();
    const last = this.lastArgs;
    if (last && args.every((a, i) => a === last[i])) return;
    this.lastArgs = args;
    void this.start(args);
  }

  private async start(args: A): Promise<void> {
    this.run?.abort();
    const { signal } = (this.run = new AbortController());
    this.status = 'pending';
    this.host.requestUpdate();
    try {
      const result = await this.options.task(args, signal);
      if (signal.aborted) return;
      if (result === idle) this.status = 'initial';
      else {
        this.value = result;
        this.status = 'complete';
        this.options.onComplete?.(result);
      }
    } catch (error) {
      if (signal.aborted) return;
      this.error = error;
      this.status = 'error';
      this.options.onError?.(error);
    }
    this.host.requestUpdate();
  }
}
