import { Logger } from '@nestjs/common';
import { LiveUpdates, type LiveMessage } from './live-updates';

describe('LiveUpdates', () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('loads the views of a kind in one call, and sends a thing that changed again meanwhile once, with its latest view', async () => {
    const live = new LiveUpdates();
    const calls: string[][] = [];
    const firstLoad = deferred();
    let version = 0;
    live.registerViews('invoice', async (changes) => {
      calls.push(changes.map((c) => c.key));
      if (calls.length === 1) await firstLoad.promise;
      version++;
      return new Map(changes.map((c) => [`${c.companyId}|${c.key}`, { invoiceNumber: c.key, version }]));
    });
    const received: LiveMessage[] = [];
    const subscription = live.messages.subscribe((m) => received.push(m));
    live.publish([
      { companyId: 'c1', kind: 'invoice', key: '1' },
      { companyId: 'c1', kind: 'invoice', key: '2' },
      { companyId: 'c1', kind: 'company', key: 'c1' },
    ]);
    // While the first load is under way, invoice 3 changes twice and invoice 1 once more.
    live.publish([{ companyId: 'c1', kind: 'invoice', key: '3' }]);
    live.publish([
      { companyId: 'c1', kind: 'invoice', key: '3' },
      { companyId: 'c1', kind: 'invoice', key: '1' },
    ]);
    firstLoad.resolve();
    await new Promise((resolve) => setTimeout(resolve, 10));
    subscription.unsubscribe();
    expect(calls).toEqual([
      ['1', '2'],
      ['3', '1'],
    ]);
    expect(received.map((m) => [m.type, m.data])).toEqual([
      ['invoice.changed', { invoiceNumber: '1', version: 1 }],
      ['invoice.changed', { invoiceNumber: '2', version: 1 }],
      ['company.changed', { key: 'c1' }],
      ['invoice.changed', { invoiceNumber: '3', version: 2 }],
      ['invoice.changed', { invoiceNumber: '1', version: 2 }],
    ]);
  });

  it('still sends the other kinds when one loader fails, and leaves out what is gone', async () => {
    const live = new LiveUpdates();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    live.registerViews('invoice', () => Promise.reject(new Error('connection lost')));
    live.registerViews('case', async () => new Map([['c1|k1', { caseId: 'k1' }]]));
    const received: LiveMessage[] = [];
    const subscription = live.messages.subscribe((m) => received.push(m));
    live.publish([
      { companyId: 'c1', kind: 'invoice', key: '1' },
      { companyId: 'c1', kind: 'case', key: 'k1' },
      { companyId: 'c1', kind: 'case', key: 'gone' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    subscription.unsubscribe();
    expect(received).toEqual([{ companyId: 'c1', type: 'case.changed', data: { caseId: 'k1' } }]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection lost'));
    warn.mockRestore();
  });

  it("gives a client its own company's messages only, and counts the clients while they are subscribed", async () => {
    const live = new LiveUpdates();
    live.registerViews('invoice', async (changes) => new Map(changes.map((c) => [`${c.companyId}|${c.key}`, { invoiceNumber: c.key }])));
    const ofC1: LiveMessage[] = [];
    const ofC2: LiveMessage[] = [];
    expect(live.clients).toBe(0);
    const first = live.messagesFor('c1').subscribe((m) => ofC1.push(m));
    const second = live.messagesFor('c2').subscribe((m) => ofC2.push(m));
    expect(live.clients).toBe(2);
    live.publish([
      { companyId: 'c1', kind: 'invoice', key: '1' },
      { companyId: 'c2', kind: 'invoice', key: '2' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ofC1.map((m) => m.data)).toEqual([{ invoiceNumber: '1' }]);
    expect(ofC2.map((m) => m.data)).toEqual([{ invoiceNumber: '2' }]);
    first.unsubscribe();
    expect(live.clients).toBe(1);
    second.unsubscribe();
    second.unsubscribe();
    expect(live.clients).toBe(0);
  });
});
