import { WakeOthers } from './wake-others';

describe('WakeOthers', () => {
  let sent: number[];
  let enabled: boolean;
  let sendFails: boolean;
  let wake: WakeOthers;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    sent = [];
    enabled = true;
    sendFails = false;
    wake = new WakeOthers(
      async () => {
        sent.push(Date.now());
        if (sendFails) throw new Error('connection lost');
      },
      { intervalMs: 2, enabled: () => enabled, now: () => Date.now() },
    );
  });
  afterEach(() => jest.useRealTimers());

  /** Lets timers and the promises they resolve run for `ms`. */
  const pass = async (ms: number): Promise<void> => {
    await jest.advanceTimersByTimeAsync(ms);
  };

  it('lets a due NOTIFY ride on the append, and sends none of its own when nothing else committed', async () => {
    const ticket = wake.carry();
    expect(ticket).toBeDefined();
    wake.committed(ticket);
    await pass(10);
    expect(sent).toEqual([]);
  });

  it('carries at most one per interval; a commit in between is owed one, sent on its own once the interval is over', async () => {
    const first = wake.carry();
    wake.committed(first);
    expect(wake.carry()).toBeUndefined(); // within the interval
    wake.committed();
    wake.committed();
    await pass(1);
    expect(sent).toEqual([]);
    await pass(1);
    expect(sent).toEqual([1_000_002]); // one for both
    await pass(10);
    expect(sent).toHaveLength(1);
  });

  it('sends an owed one at once when the interval is over already', async () => {
    wake.committed();
    await pass(0);
    expect(sent).toEqual([1_000_000]);
  });

  it('leaves an owed commit to an append on its way that carries a NOTIFY, and sends it on its own if that append fails', async () => {
    wake.committed(wake.carry()); // at 0
    jest.setSystemTime(1_000_001);
    wake.committed(); // owed at 1, due at 2
    jest.setSystemTime(1_000_002); // (the clock moves, the owed one's timer has not run yet)
    const ticket = wake.carry(); // an append sent after the owed commit carries a NOTIFY
    expect(ticket).toBeDefined();
    await pass(10);
    expect(sent).toEqual([]);
    wake.failed(ticket!); // it failed at 12: nothing was sent with it
    await pass(0);
    expect(sent).toEqual([1_000_012]);
  });

  it('leaves an owed commit to the append carrying a NOTIFY, which covers it when it commits', async () => {
    wake.committed(wake.carry());
    jest.setSystemTime(1_000_001);
    wake.committed();
    jest.setSystemTime(1_000_002);
    const ticket = wake.carry();
    await pass(1);
    wake.committed(ticket);
    await pass(10);
    expect(sent).toEqual([]);
  });

  it('keeps commits owed when a carrying append fails that started before them', async () => {
    const ticket = wake.carry(); // at 0
    wake.committed(); // another append, committed while the carrying one is on its way: owed
    await pass(1);
    wake.failed(ticket!);
    expect(sent).toEqual([]);
    await pass(1);
    expect(sent).toEqual([1_000_002]);
  });

  it('counts a carried NOTIFY for the commits seen before its append was sent, not for those seen while it was on its way', async () => {
    await pass(5);
    const ticket = wake.carry();
    wake.committed(); // committed while the carrying append was on its way: maybe after it
    wake.committed(ticket);
    await pass(2);
    expect(sent).toHaveLength(1);
  });

  it('counts a carried commit as told of even when a commit before it is still owed one', async () => {
    const ticket = wake.carry(); // at 0
    jest.setSystemTime(1_000_002);
    wake.committed(); // another append committed (owed: due now)
    await pass(0);
    expect(sent).toEqual([1_000_002]); // on its own, while the carrying append is still on its way
    wake.committed(ticket); // the carrying append commits: its own NOTIFY tells of it
    await pass(10);
    expect(sent).toHaveLength(1);
  });

  it('owes nothing while nobody else may listen, not even once someone may', async () => {
    enabled = false;
    expect(wake.carry()).toBeUndefined();
    wake.committed();
    await pass(5);
    enabled = true;
    await pass(5);
    expect(sent).toEqual([]);
    wake.committed();
    await pass(0);
    expect(sent).toHaveLength(1);
  });

  it('gives up on a NOTIFY that fails (the listeners poll as well) and goes on with the next', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    sendFails = true;
    wake.committed();
    await pass(0);
    expect(sent).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('NOTIFY failed'), 'connection lost');
    sendFails = false;
    await pass(5);
    expect(sent).toHaveLength(1);
    wake.committed();
    await pass(2);
    expect(sent).toHaveLength(2);
    warn.mockRestore();
  });

  it('settles once every owed NOTIFY is sent', async () => {
    wake.committed(wake.carry());
    wake.committed();
    let settled = false;
    const settling = wake.settled().then(() => (settled = true));
    await pass(1);
    expect(settled).toBe(false);
    await pass(1);
    await settling;
    expect(sent).toHaveLength(1);
  });
});
