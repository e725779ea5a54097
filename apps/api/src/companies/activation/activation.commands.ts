import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { companyDecider, streams } from '@pm/domain';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { DecisionRunner } from '../../infrastructure/event-sourcing/decision-runner';
import { type CommandContext } from '../../shared/http/command-context';
import { type ActivationView, activationView } from '../company-view/company-view';

export class ActivateServiceCommand {
  constructor(
    readonly companyId: string,
    readonly data: { termsVersion: string; accepted: boolean },
    readonly context: CommandContext,
  ) {}
}

export class DeactivateServiceCommand {
  constructor(
    readonly companyId: string,
    readonly reason: string | undefined,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(ActivateServiceCommand)
export class ActivateServiceHandler implements ICommandHandler<ActivateServiceCommand, ActivationView> {
  constructor(
    private readonly runner: DecisionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ companyId, data, context }: ActivateServiceCommand) {
    const { state } = await this.runner.run(
      companyDecider,
      streams.company(companyId),
      (now) => ({ type: 'ActivateService' as const, now, actor: context.actor, data: { ...data, currentTermsVersion: this.config.termsVersion } }),
      context,
      { metadata: { companyId } },
    );
    return activationView(state, this.config.termsVersion);
  }
}

@CommandHandler(DeactivateServiceCommand)
export class DeactivateServiceHandler implements ICommandHandler<DeactivateServiceCommand, ActivationView> {
  constructor(
    private readonly runner: DecisionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ companyId, reason, context }: DeactivateServiceCommand) {
    const { state } = await this.runner.run(
      companyDecider,
      streams.company(companyId),
      (now) => ({ type: 'DeactivateService' as const, now, actor: context.actor, data: { reason } }),
      context,
      { metadata: { companyId } },
    );
    return activationView(state, this.config.termsVersion);
  }
}
