import { currentCall, veloCalls } from '../context.ts';

/** Local `wix-auth`: `elevate(fn)` returns a copy of fn that runs with elevated permissions (backend only). */
export function elevate<F extends (...args: never[]) => unknown>(fn: F): (...args: Parameters<F>) => ReturnType<F> {
  return (...args: Parameters<F>) => {
    const call = currentCall('wix-auth elevate()');
    return veloCalls.run({ ...call, elevated: true }, () => fn(...args)) as ReturnType<F>;
  };
}

export default { elevate };
