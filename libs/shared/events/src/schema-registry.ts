import { z } from 'zod/v4';
import { envelopeSchema, EventEnvelope, NewEvent } from './envelope';

/**
 * Every event type is declared once, with one schema per version and an upcaster from each old
 * version to the next. Producers must emit the latest version; consumers read any declared version
 * and see the latest shape.
 */
export interface EventVersion {
  version: number;
  schema: z.ZodTypeAny;
  /** Turns data of this version into data of the next one. Absent on the latest version. */
  upcast?(data: unknown): unknown;
}

export interface EventDefinition<S extends z.ZodTypeAny = z.ZodTypeAny> {
  type: string;
  /** Oldest first; the last entry is the version producers emit. */
  versions: EventVersion[];
  latest: S;
}

export function defineEvent<S extends z.ZodTypeAny>(type: string, ...versions: [...EventVersion[], { version: number; schema: S }]): EventDefinition<S> {
  versions.forEach((v, i) => {
    if (v.version !== i + 1) throw new Error(`${type}: versions must be 1..n in order`);
    if (i < versions.length - 1 && !(v as EventVersion).upcast) throw new Error(`${type}: version ${v.version} needs an upcaster`);
  });
  return { type, versions, latest: versions[versions.length - 1].schema as S };
}

export type EventData<D extends EventDefinition> = z.infer<D['latest']>;

export class EventValidationError extends Error {
  constructor(
    readonly reason: 'unknown_type' | 'unknown_version' | 'invalid_envelope' | 'invalid_data' | 'not_latest_version',
    message: string,
  ) {
    super(message);
  }
}

export class EventSchemaRegistry {
  private readonly defs = new Map<string, EventDefinition>();

  constructor(definitions: EventDefinition[]) {
    for (const d of definitions) {
      if (this.defs.has(d.type)) throw new Error(`event type declared twice: ${d.type}`);
      this.defs.set(d.type, d);
    }
  }

  types(): string[] {
    return [...this.defs.keys()].sort();
  }

  definition(type: string): EventDefinition {
    const def = this.defs.get(type);
    if (!def) throw new EventValidationError('unknown_type', `unknown event type ${type}`);
    return def;
  }

  latestVersion(type: string): number {
    return this.definition(type).versions.length;
  }

  /** Validates a new event at produce time against the latest schema; returns parsed (stripped) data. */
  validateNew(event: NewEvent): { data: unknown; schemaVersion: number } {
    const def = this.definition(event.type);
    const latest = def.versions[def.versions.length - 1];
    const parsed = latest.schema.safeParse(event.data);
    if (!parsed.success) {
      throw new EventValidationError('invalid_data', `${event.type} v${latest.version}: ${formatIssues(parsed.error)}`);
    }
    return { data: parsed.data, schemaVersion: latest.version };
  }

  /**
   * Validates a consumed envelope (any declared version) and upcasts its data to the latest version.
   * The returned envelope reports the latest schema version.
   */
  parse(raw: unknown): EventEnvelope {
    const env = envelopeSchema.safeParse(raw);
    if (!env.success) throw new EventValidationError('invalid_envelope', `invalid envelope: ${formatIssues(env.error)}`);
    const def = this.definition(env.data.type);
    const from = def.versions[env.data.schemaVersion - 1];
    if (!from) throw new EventValidationError('unknown_version', `${env.data.type} has no version ${env.data.schemaVersion}`);
    const first = from.schema.safeParse(env.data.data);
    if (!first.success) {
      throw new EventValidationError('invalid_data', `${env.data.type} v${from.version}: ${formatIssues(first.error)}`);
    }
    let data: unknown = first.data;
    for (let v = from.version; v < def.versions.length; v++) {
      const upcast = def.versions[v - 1].upcast;
      if (!upcast) throw new EventValidationError('unknown_version', `${env.data.type} v${v} has no upcaster`);
      data = def.versions[v].schema.parse(upcast(data));
    }
    return { ...env.data, data, schemaVersion: def.versions.length } as EventEnvelope;
  }
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
