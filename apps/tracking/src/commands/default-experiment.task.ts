import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StartupTask, requestContext } from '@custos/platform';
import { DEFAULT_EXPERIMENT_ID } from '@custos/tracking-domain';
import { ExperimentCommands } from './experiment-commands.service';

/** MLflow's experiment "0" (Default) exists from the start, created by the system as an event like any other. */
@Injectable()
export class DefaultExperimentTask implements StartupTask {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentCommands,
  ) {}

  async run(): Promise<void> {
    const [found] = (await this.ds.query(`SELECT 1 FROM experiments WHERE experiment_id = $1`, [DEFAULT_EXPERIMENT_ID])) as unknown[];
    if (found) return;
    await requestContext.run({ correlationId: 'startup-default-experiment', principal: { id: 'system', kind: 'system', roles: ['admin'], groups: [] } }, async () => {
      await this.experiments.create('Default', undefined, [], DEFAULT_EXPERIMENT_ID).catch((e: { code?: string }) => {
        if (e.code !== 'RESOURCE_ALREADY_EXISTS') throw e;
      });
    });
  }
}
