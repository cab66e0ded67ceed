import { LoggedModelCreated, RunCreated, RunDataLogged, RunInputsLogged, RunOutputsLogged } from '@custos/events';
import {
  MAX_DATASET_DIGEST_SIZE,
  MAX_DATASET_NAME_SIZE,
  MAX_DATASET_SOURCE_TYPE_SIZE,
  MAX_LOGGED_MODEL_ID_LENGTH,
  MAX_LOGGED_MODEL_NAME_LENGTH,
  MAX_METRIC_MODEL_ID_LENGTH,
  MAX_RUN_USER_ID_LENGTH,
} from './validation';

/** A zod schema as far as this test walks it: objects by field, arrays to their element. */
interface Walkable {
  shape?: Record<string, Walkable>;
  element?: Walkable;
  safeParse(v: unknown): { success: boolean };
}

/** The schema of one field, down a path of object fields (arrays are stepped through). */
function fieldOf(schema: unknown, ...path: string[]): Walkable {
  return path.reduce((s: Walkable, name) => {
    const obj = s.element ?? s;
    const next = obj.shape?.[name];
    if (!next) throw new Error(`no field ${name}`);
    return next;
  }, schema as Walkable);
}

/*
 * Decision 041: the request bounds the DTOs and the log-batch reader enforce are the domain's
 * constants, and they are exactly the bounds the event schemas set, so a request that passes can
 * be appended and one that cannot is refused as a 400 first. A schema changed alone fails here.
 */
describe('the domain’s request bounds are the event schemas’ bounds', () => {
  const metricV2 = RunDataLogged.versions[1].schema;
  it.each([
    ['a run’s user_id', MAX_RUN_USER_ID_LENGTH, fieldOf(RunCreated.latest, 'userId')],
    ['a dataset’s source_type', MAX_DATASET_SOURCE_TYPE_SIZE, fieldOf(RunInputsLogged.latest, 'datasets', 'sourceType')],
    ['a dataset’s name', MAX_DATASET_NAME_SIZE, fieldOf(RunInputsLogged.latest, 'datasets', 'name')],
    ['a dataset’s digest', MAX_DATASET_DIGEST_SIZE, fieldOf(RunInputsLogged.latest, 'datasets', 'digest')],
    ['a run output’s model id', MAX_LOGGED_MODEL_ID_LENGTH, fieldOf(RunOutputsLogged.latest, 'models', 'modelId')],
    ['a logged model’s name', MAX_LOGGED_MODEL_NAME_LENGTH, fieldOf(LoggedModelCreated.latest, 'name')],
    ['a logged model’s type', MAX_LOGGED_MODEL_NAME_LENGTH, fieldOf(LoggedModelCreated.latest, 'modelType')],
    ['a metric’s model link', MAX_METRIC_MODEL_ID_LENGTH, fieldOf(metricV2, 'metrics', 'modelId')],
    ['a metric’s dataset name', MAX_DATASET_NAME_SIZE, fieldOf(metricV2, 'metrics', 'datasetName')],
    ['a metric’s dataset digest', MAX_DATASET_DIGEST_SIZE, fieldOf(metricV2, 'metrics', 'datasetDigest')],
  ])('%s: %i characters fit, one more does not', (_what, max, schema) => {
    expect(schema.safeParse('x'.repeat(max)).success).toBe(true);
    expect(schema.safeParse('x'.repeat(max + 1)).success).toBe(false);
  });
});
