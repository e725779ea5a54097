import { Injectable } from '@nestjs/common';
import { type ReceivableCommand, type ReceivableState, receivableDecider, streams } from '@pm/domain';
import { DecisionRunner } from '../infrastructure/event-sourcing/decision-runner';
import { type CommandContext } from '../shared/http/command-context';

/** Runs a command on one invoice's stream (the invoice and its reminder cases). */
@Injectable()
export class ReceivableCommands {
  constructor(private readonly runner: DecisionRunner) {}

  run(
    companyId: string,
    invoiceNumber: string,
    makeCommand: (base: { now: string; actor: CommandContext['actor'] }, state: ReceivableState) => ReceivableCommand,
    context: CommandContext,
    expectedVersion?: number,
  ) {
    return this.runner.run(
      receivableDecider,
      streams.receivable(companyId, invoiceNumber),
      (now, state) => makeCommand({ now, actor: context.actor }, state),
      context,
      { metadata: { companyId, invoiceNumber }, expectedVersion },
    );
  }
}
