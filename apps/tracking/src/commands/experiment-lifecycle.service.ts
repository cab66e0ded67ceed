import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExperimentCommands } from './experiment-commands.service';
import { RunCommands } from './run-commands.service';

const PARALLEL_RUN_COMMANDS = 4;

/**
 * Deleting or restoring an experiment cascades to its runs, as MLflow's `delete_experiment` and
 * `restore_experiment` do (restore brings back every run of the experiment, including runs that were
 * deleted on their own before).
 *
 * Transaction boundaries: one per stream, never one spanning streams. The experiment's event commits
 * first, on its own; then each run gets its own DeleteRun / RestoreRun command, each its own
 * transaction through the same executor, so every run stream keeps its optimistic-concurrency
 * version and every fact is an ordinary event that a rebuild replays. A transaction across
 * thousands of run streams would hold thousands of row locks and serialise every writer of those
 * runs behind it.
 *
 * What that costs: between the experiment's commit and the last run's, readers can see a deleted
 * experiment with runs still active (or the reverse on restore). The cascade is idempotent (a run
 * already in the target state records nothing), so a crash mid-way is finished by calling
 * `cascadeRuns` again; and since the experiment is committed first, no run can be created in a
 * deleted experiment after the cascade has listed the runs except by a create that had already
 * read the experiment as active, the same window MLflow itself has.
 */
@Injectable()
export class ExperimentLifecycle {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentCommands,
    private readonly runs: RunCommands,
  ) {}

  async delete(experimentId: string): Promise<void> {
    await this.experiments.execute({ type: 'DeleteExperiment', experimentId });
    await this.cascadeRuns(experimentId, 'delete');
  }

  async restore(experimentId: string): Promise<void> {
    await this.experiments.execute({ type: 'RestoreExperiment', experimentId });
    await this.cascadeRuns(experimentId, 'restore');
  }

  /** Brings every run of the experiment to the experiment's lifecycle stage. */
  async cascadeRuns(experimentId: string, action: 'delete' | 'restore'): Promise<number> {
    const from = action === 'delete' ? 'active' : 'deleted';
    const rows = (await this.ds.query(`SELECT run_id FROM runs WHERE experiment_id = $1 AND lifecycle_stage = $2 ORDER BY run_id`, [experimentId, from])) as {
      run_id: string;
    }[];
    const type = action === 'delete' ? 'DeleteRun' : 'RestoreRun';
    for (let i = 0; i < rows.length; i += PARALLEL_RUN_COMMANDS) {
      await Promise.all(rows.slice(i, i + PARALLEL_RUN_COMMANDS).map((r) => this.runs.execute({ type, runId: r.run_id })));
    }
    return rows.length;
  }
}
