import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type InvoiceDetails } from '@pm/domain';
import { type CommandContext } from '../../shared/http/command-context';
import { InvoiceReader } from '../invoice-view/invoice-reader';
import { type InvoiceView } from '../invoice-view/invoice-view';
import { ReceivableCommands } from '../receivable-commands';

export class UpsertInvoiceCommand {
  constructor(
    readonly companyId: string,
    readonly invoice: InvoiceDetails,
    readonly context: CommandContext,
    readonly expectedVersion?: number,
  ) {}
}

@CommandHandler(UpsertInvoiceCommand)
export class UpsertInvoiceHandler implements ICommandHandler<UpsertInvoiceCommand, { created: boolean; invoice: InvoiceView }> {
  constructor(
    private readonly receivables: ReceivableCommands,
    private readonly reader: InvoiceReader,
  ) {}

  async execute({ companyId, invoice, context, expectedVersion }: UpsertInvoiceCommand) {
    const result = await this.receivables.run(
      companyId,
      invoice.invoiceNumber,
      (base) => ({ type: 'UpsertInvoice', ...base, data: { invoice } }),
      context,
      expectedVersion,
    );
    return { created: result.events.some((e) => e.type === 'InvoiceReceived'), invoice: await this.reader.get(companyId, invoice.invoiceNumber) };
  }
}
