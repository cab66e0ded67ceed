import { Injectable } from '@nestjs/common';
import { CommandExecutor } from '@custos/eventing';
import { eventMetadata } from '@custos/platform';
import { GrantCommand, grantDecider, grantStreamId, SETTINGS_STREAM_ID, SettingsCommand, settingsDecider } from '@custos/authz-domain';
import { AuthzProjection } from '../projections/authz.projection';

/** Per-resource grants and platform settings: both streams are small and written by admins. */
@Injectable()
export class AccessCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projection: AuthzProjection,
  ) {}

  async grant(command: GrantCommand): Promise<void> {
    await this.executor.execute(grantDecider, grantStreamId(command.resourceType, command.resourcePattern), command, eventMetadata(), this.projection.inline);
  }

  async settings(command: SettingsCommand): Promise<void> {
    await this.executor.execute(settingsDecider, SETTINGS_STREAM_ID, command, eventMetadata(), this.projection.inline);
  }
}
