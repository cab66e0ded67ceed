import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Sql } from '@custos/eventing';
import { consistencyPlan, foldRight, inclusionPlan, MerkleFrontier, NodeId, nodeKey, NodeLookup, planNodes, resolvePlan, rootPlan } from '@custos/audit-domain';

/** Leaf hash SHA-256(0x00 ‖ canonical UTF-8), computed by PostgreSQL next to the text. */
const LEAF_HASH_SQL = `sha256(decode('00', 'hex') || convert_to(canonical, 'UTF8'))`;
const PAGE = 5000;

export class MissingTreeNodeError extends Error {}

/**
 * The audit log's RFC 6962 tree, kept in PostgreSQL (ADR 010): leaf i is entry sequence i+1, its
 * hash recomputed from the stored canonical text; perfect subtrees of height >= 1 are stored once
 * complete in `audit_merkle_nodes`. A root or a proof reads O(log n) rows in one query; extending
 * the tree streams the new leaves page by page with an O(log n) frontier.
 */
@Injectable()
export class AuditMerkleTree {
  constructor(private readonly ds: DataSource) {}

  /** How many leaves the stored nodes cover. */
  async size(sql: Sql = this.ds): Promise<number> {
    const [row] = (await sql.query(`SELECT size FROM audit_merkle_head`)) as { size: string }[];
    return Number(row.size);
  }

  /** Fetches every node in one round trip per kind: leaves from the entries, the rest from the table. */
  async lookup(ids: NodeId[], sql: Sql = this.ds): Promise<NodeLookup> {
    const found = new Map<string, Buffer>();
    const leaves = ids.filter((i) => i.level === 0).map((i) => i.index + 1);
    const inner = ids.filter((i) => i.level > 0);
    if (leaves.length) {
      const rows = (await sql.query(`SELECT sequence, ${LEAF_HASH_SQL} AS hash FROM audit_entries WHERE sequence = ANY($1::bigint[])`, [leaves])) as { sequence: string; hash: Buffer }[];
      for (const r of rows) found.set(nodeKey({ level: 0, index: Number(r.sequence) - 1 }), r.hash);
    }
    if (inner.length) {
      const rows = (await sql.query(`SELECT n.level, n.idx, n.hash FROM audit_merkle_nodes n JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx`, [
        inner.map((i) => i.level),
        inner.map((i) => i.index),
      ])) as { level: number; idx: string; hash: Buffer }[];
      for (const r of rows) found.set(nodeKey({ level: Number(r.level), index: Number(r.idx) }), r.hash);
    }
    return (id) => {
      const h = found.get(nodeKey(id));
      if (!h) throw new MissingTreeNodeError(`tree node ${nodeKey(id)} is missing`);
      return h;
    };
  }

  async root(size: number, sql: Sql = this.ds): Promise<Buffer> {
    const plan = rootPlan(size);
    const lookup = await this.lookup(plan, sql);
    return foldRight(plan.map(lookup));
  }

  async leafHash(sequence: number, sql: Sql = this.ds): Promise<Buffer> {
    return Buffer.from((await this.lookup([{ level: 0, index: sequence - 1 }], sql))({ level: 0, index: sequence - 1 }));
  }

  /** RFC 6962 audit path for entry `sequence` in the tree of `size` entries, and that tree's root. */
  async inclusionProof(sequence: number, size: number, sql: Sql = this.ds): Promise<{ leafHash: Buffer; path: Buffer[]; root: Buffer }> {
    const plan = inclusionPlan(sequence - 1, size);
    const rootNodes = rootPlan(size);
    const leaf = { level: 0, index: sequence - 1 };
    const lookup = await this.lookup(planNodes(plan, rootNodes, [leaf]), sql);
    return { leafHash: Buffer.from(lookup(leaf)), path: resolvePlan(plan, lookup), root: foldRight(rootNodes.map(lookup)) };
  }

  async consistencyProof(size1: number, size2: number, sql: Sql = this.ds): Promise<{ path: Buffer[]; root1: Buffer; root2: Buffer }> {
    const plan = consistencyPlan(size1, size2);
    const r1 = rootPlan(size1);
    const r2 = rootPlan(size2);
    const lookup = await this.lookup(planNodes(plan, r1, r2), sql);
    return { path: resolvePlan(plan, lookup), root1: foldRight(r1.map(lookup)), root2: foldRight(r2.map(lookup)) };
  }

  /**
   * Stores the nodes completed by entries up to `target`, one transaction per page, so a long
   * backlog (a log that predates the tree) commits progress as it goes. Builders are serialised by
   * the head row lock; a concurrent builder simply finds the work done.
   */
  async extend(target: number, pageSize = PAGE): Promise<number> {
    for (;;) {
      const size = await this.ds.transaction(async (tx) => {
        const [head] = (await tx.query(`SELECT size FROM audit_merkle_head FOR UPDATE`)) as { size: string }[];
        const from = Number(head.size);
        if (from >= target) return from;
        const edge = from === 0 ? [] : rootPlan(from);
        const lookup = await this.lookup(edge, tx);
        const frontier = MerkleFrontier.resume(from, edge.map(lookup));
        const to = Math.min(target, from + pageSize);
        const leaves = (await tx.query(`SELECT sequence, ${LEAF_HASH_SQL} AS hash FROM audit_entries WHERE sequence > $1 AND sequence <= $2 ORDER BY sequence`, [from, to])) as {
          sequence: string;
          hash: Buffer;
        }[];
        const levels: number[] = [];
        const idxs: number[] = [];
        const hashes: Buffer[] = [];
        leaves.forEach((l, i) => {
          if (Number(l.sequence) !== from + 1 + i) throw new Error(`audit entry ${from + 1 + i} is missing`);
          frontier.append(l.hash, (id, h) => {
            levels.push(id.level);
            idxs.push(id.index);
            hashes.push(h);
          });
        });
        if (leaves.length !== to - from) throw new Error(`audit entries ${from + 1}..${to} are not all there`);
        if (hashes.length) {
          await tx.query(`INSERT INTO audit_merkle_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`, [levels, idxs, hashes]);
        }
        await tx.query(`UPDATE audit_merkle_head SET size = $1`, [to]);
        return to;
      });
      if (size >= target) return size;
    }
  }
}
