import { Injectable } from '@nestjs/common';
import { type ReceivableCommand, type ReceivableState, receivableDecider, streams } from '@pm/domain';
import { type StoredEvent } from '@pm/event-store';
import { DecisionRunner } from '../infrastructure/event-sourcing/decision-runner';
import { type CommandContext } from '../shared/http/command-context';

/** Runs a command on one invoice's stream (the invoice and its reminder cases). */
@Injectable()
export class ReceivableCommands {
  constructor(private readonly runner: DecisionRunner) {}

  run(
    companyId: string,
    invoiceNumber: string,
    makeCommand: (base: { now: string; actor: CommandContext['actor'] }, state: ReceivableState, also: ReadonlyMap<string, readonly StoredEvent[]>) => ReceivableCommand,
    context: CommandContext,
    expectedVersion?: number,
    /** Extra metadata on the events, e.g. the partner's reference for partner-driven steps. */
    metadata: Record<string, unknown> = {},
    /** Other streams the decision depends on, read with the invoice's (see DecisionOptions.alsoRead). */
    alsoRead: readonly string[] = [],
    /** Answer only once the read models have the new events (read-your-writes; default). A background process that reads nothing back need not wait. */
    { waitForProjections = true }: { waitForProjections?: boolean } = {},
  ) {
    return this.runner.run(
      receivableDecider,
      streams.receivable(companyId, invoiceNumber),
      (now, state, also) => makeCommand({ now, actor: context.actor }, state, also),
      context,
      { metadata: { ...metadata, companyId, invoiceNumber }, expectedVersion, alsoRead, waitForProjections },
    );
  }

  /** The current state of one invoice's stream (for processes that decide what to ask next). */
  async state(companyId: string, invoiceNumber: string) {
    return this.runner.load(receivableDecider, streams.receivable(companyId, invoiceNumber));
  }
}
