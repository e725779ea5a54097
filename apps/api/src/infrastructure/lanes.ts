/**
 * Works through `items` with at most `lanes` of them in progress at once, in their order: for work that mostly
 * waits (a partner call), side by side is faster without flooding anyone. Before each item `keepGoing` is asked;
 * once it says no, no lane takes another item and the answer says so (`halted`).
 *
 * Every lane ends before a failure is passed on: a caller that goes round again must never overlap work that
 * is still running.
 */
export async function inLanes<T>(
  items: readonly T[],
  lanes: number,
  work: (item: T) => Promise<void>,
  keepGoing: () => boolean = () => true,
): Promise<{ done: number; halted: boolean }> {
  let next = 0;
  let done = 0;
  let halted = false;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      if (halted || !keepGoing()) {
        halted = true;
        return;
      }
      await work(items[next++]!);
      done++;
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return { done, halted };
}
