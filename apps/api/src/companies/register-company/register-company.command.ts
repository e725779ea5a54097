import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type PostalAddress, companyDecider, streams } from '@pm/domain';
import { DecisionRunner } from '../../infrastructure/event-sourcing/decision-runner';
import { companyIdFor } from '../../shared/auth/tokens';
import { type CommandContext } from '../../shared/http/command-context';

export class RegisterCompanyCommand {
  constructor(
    readonly data: { organisationNumber: string; name: string; country: string; address: PostalAddress; fromLegacyService?: boolean; bankgiro?: string },
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(RegisterCompanyCommand)
export class RegisterCompanyHandler implements ICommandHandler<RegisterCompanyCommand, { companyId: string }> {
  constructor(private readonly runner: DecisionRunner) {}

  async execute({ data, context }: RegisterCompanyCommand) {
    // The id follows from the organisation number, so the stream name itself guards uniqueness.
    const companyId = companyIdFor(data.organisationNumber);
    await this.runner.run(
      companyDecider,
      streams.company(companyId),
      (now) => ({ type: 'RegisterCompany' as const, now, actor: context.actor, data: { companyId, ...data } }),
      context,
      { metadata: { companyId } },
    );
    return { companyId };
  }
}
