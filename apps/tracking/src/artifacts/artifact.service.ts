import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Readable, pipeline } from 'node:stream';
import { Logger } from 'pino';
import { ArtifactDeleted, ArtifactDownloaded, ArtifactUploaded, EventData, NewEvent, uuidv7 } from '@custos/events';
import { EventStore } from '@custos/eventing';
import { DecryptStream, EncryptStream } from '@custos/artifact-crypto';
import { KeyRing, newDataKey } from '@custos/crypto';
import { currentContext, eventMetadata, LOGGER } from '@custos/platform';
import { TrackingError } from '@custos/tracking-domain';
import { ArtifactLocation, artifactStreamId } from './artifact-path';
import { integrityFailure, notFoundMessage } from './artifact-errors';
import { ARTIFACT_KEY_RING } from './artifact-keys';
import {
  ArtifactRecord,
  ChildEntry,
  deleteArtifacts,
  dueObjectDeletions,
  findArtifact,
  hasDescendants,
  listChildren,
  objectIdentity,
  scheduleObjectDeletion,
  unscheduleObjectDeletion,
  upsertArtifact,
} from './artifact-records';
import { guessContentType } from './content-type';
import { ArtifactObjectStore } from './object-store.service';

/** An upload that never commits (a crash mid-stream) leaves an object that is swept after this. */
const UNCOMMITTED_GRACE_SECONDS = 24 * 3600;
const DELETE_BATCH = 500;

/**
 * Artifact bytes in and out of the encrypted object store, with the artifact record and the audit
 * event written in one transaction. Callers have already checked access on the experiment.
 */
@Injectable()
export class ArtifactService {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly objects: ArtifactObjectStore,
    @Inject(ARTIFACT_KEY_RING) private readonly keys: KeyRing,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Encrypts `body` on its way to the bucket; the record commits only once the object is whole. */
  async upload(loc: ArtifactLocation, body: Readable, declaredBytes?: number): Promise<number> {
    const objectId = uuidv7();
    const objectKey = `${loc.experimentId}/${objectId}`;
    const identity = objectIdentity({ object_id: objectId, path: loc.path });
    await scheduleObjectDeletion(this.ds, [objectKey], UNCOMMITTED_GRACE_SECONDS);
    const dataKey = newDataKey();
    const wrapped = this.keys.wrap(dataKey, identity);
    const encrypt = new EncryptStream({ dataKey, keyId: wrapped.keyId, identity });
    dataKey.fill(0);
    // A failing body (client gone, gateway reset) destroys `encrypt`, which aborts the upload.
    pipeline(body, encrypt, () => undefined);

    let storedBytes: number;
    let replaced: ArtifactRecord | undefined;
    try {
      storedBytes = await this.objects.put(objectKey, encrypt);
      if (declaredBytes !== undefined && encrypt.plaintextBytes !== declaredBytes) {
        throw TrackingError.invalidParameter(`Request body has ${encrypt.plaintextBytes} bytes, Content-Length said ${declaredBytes}`);
      }
      await this.ds.transaction(async (tx) => {
        await this.lockStream(tx, loc);
        replaced = await findArtifact(tx, loc.path, true);
        await upsertArtifact(tx, {
          path: loc.path,
          experiment_id: loc.experimentId,
          run_id: loc.runId,
          model_id: loc.modelId,
          object_id: objectId,
          object_key: objectKey,
          size: String(encrypt.plaintextBytes),
          stored_size: String(storedBytes),
          content_type: guessContentType(loc.path),
          key_id: wrapped.keyId,
          wrapped_key: wrapped.wrapped,
          created_by: currentContext()?.principal?.id ?? 'system',
        });
        await unscheduleObjectDeletion(tx, [objectKey]);
        if (replaced) await scheduleObjectDeletion(tx, [replaced.object_key]);
        const data: EventData<typeof ArtifactUploaded> = { ...fact(loc), size: encrypt.plaintextBytes };
        await this.append(tx, loc, [{ type: ArtifactUploaded.type, data }]);
      });
    } catch (e) {
      await this.collect([objectKey]);
      throw e;
    }
    if (replaced) await this.collect([replaced.object_key]);
    return encrypt.plaintextBytes;
  }

  /**
   * Opens an artifact for reading and records who read it. The audit event is written before any
   * byte leaves, so a read can never go unrecorded. The returned stream emits only verified
   * plaintext and fails with an ArtifactIntegrityError on any tampering.
   */
  async openDownload(loc: ArtifactLocation, attempt = 1): Promise<{ record: ArtifactRecord; plaintext: DecryptStream }> {
    const record = await this.stat(loc);
    const identity = objectIdentity(record);
    const dataKey = this.keys.unwrap({ keyId: record.key_id, wrapped: record.wrapped_key }, identity);
    const plaintext = new DecryptStream({ dataKey, identity });
    dataKey.fill(0);
    let ciphertext: Readable;
    try {
      ciphertext = await this.objects.get(record.object_key);
    } catch (e) {
      plaintext.destroy();
      if ((e as { code?: string }).code !== 'NoSuchKey') throw e;
      // An overwrite may have replaced the record (and removed the old object) since we read it.
      const now = await findArtifact(this.ds, loc.path);
      if (attempt === 1 && now && now.object_key !== record.object_key) return this.openDownload(loc, 2);
      this.logger.error({ path: loc.path, objectKey: record.object_key }, 'artifact object missing from the bucket');
      throw integrityFailure(loc, 'its stored object is missing');
    }
    try {
      await this.ds.transaction(async (tx) => {
        const data: EventData<typeof ArtifactDownloaded> = { ...fact(loc), size: Number(record.size) };
        await this.append(tx, loc, [{ type: ArtifactDownloaded.type, data }]);
      });
    } catch (e) {
      ciphertext.destroy();
      plaintext.destroy();
      throw e;
    }
    pipeline(ciphertext, plaintext, () => undefined);
    return { record, plaintext };
  }

  /** A file's record, without reading its bytes (nor recording a read: no content leaves). */
  async stat(loc: ArtifactLocation): Promise<ArtifactRecord> {
    const record = await findArtifact(this.ds, loc.path);
    if (record) return record;
    if (await hasDescendants(this.ds, loc.path)) throw TrackingError.invalidParameter(`Artifact path refers to a directory, not a file: '${loc.relative}'`);
    throw TrackingError.notFound(notFoundMessage(loc));
  }

  /** The immediate children of a directory; nothing for a file or a missing path (as S3 answers). */
  list(loc: ArtifactLocation): Promise<ChildEntry[]> {
    return listChildren(this.ds, loc.path);
  }

  /** Deletes a file or a whole directory below an owner's root; returns how many files went. */
  async delete(loc: ArtifactLocation): Promise<number> {
    let deleted = 0;
    for (;;) {
      let batch: Awaited<ReturnType<typeof deleteArtifacts>> = [];
      await this.ds.transaction(async (tx) => {
        await this.lockStream(tx, loc);
        batch = await deleteArtifacts(tx, loc.path, DELETE_BATCH);
        await scheduleObjectDeletion(
          tx,
          batch.map((r) => r.object_key),
        );
        const events: EventData<typeof ArtifactDeleted>[] = batch.map((r) => ({ ...fact(loc), path: r.path, size: Number(r.size) }));
        // A delete that found nothing is still a fact worth auditing.
        if (deleted === 0 && events.length === 0) events.push({ ...fact(loc), size: null });
        await this.append(
          tx,
          loc,
          events.map((data) => ({ type: ArtifactDeleted.type, data })),
        );
      });
      deleted += batch.length;
      await this.collect(batch.map((r) => r.object_key));
      if (batch.length < DELETE_BATCH) return deleted;
    }
  }

  /** Deletes objects whose records are gone (or never committed) and whose time has come. */
  async sweep(): Promise<number> {
    let removed = 0;
    for (;;) {
      const due = await dueObjectDeletions(this.ds, 200);
      if (due.length === 0) return removed;
      const done = await this.collect(due);
      removed += done;
      if (done < due.length) return removed;
    }
  }

  /** Removes objects, then their deletion entries; what fails stays scheduled for the next sweep. */
  private async collect(objectKeys: string[]): Promise<number> {
    const removed: string[] = [];
    for (const key of objectKeys) {
      try {
        await this.objects.remove(key);
        removed.push(key);
      } catch (e) {
        this.logger.warn({ objectKey: key, err: (e as Error).message }, 'artifact object not removed; left for the next sweep');
      }
    }
    if (removed.length > 0) await unscheduleObjectDeletion(this.ds, removed).catch((e: Error) => this.logger.warn({ err: e.message }, 'deletion schedule not updated'));
    return removed.length;
  }

  /** Serialises writers of one owner's artifact stream, so appends never conflict. */
  private async lockStream(tx: EntityManager, loc: ArtifactLocation): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [artifactStreamId(loc)]);
  }

  private async append(tx: EntityManager, loc: ArtifactLocation, events: NewEvent[]): Promise<void> {
    await this.store.appendFacts(tx, artifactStreamId(loc), events, eventMetadata());
  }
}

function fact(loc: ArtifactLocation) {
  return { path: loc.path, experimentId: loc.experimentId, runId: loc.runId };
}
