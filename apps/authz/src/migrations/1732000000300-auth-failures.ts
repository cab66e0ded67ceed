import { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed sign-in attempts per claimed account, from the gateway's denial events (lockout input). */
export class AuthFailures1732000000300 implements MigrationInterface {
  name = 'AuthFailures1732000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE auth_failures (account text PRIMARY KEY, failures integer NOT NULL, last_failure_at timestamptz NOT NULL, last_client_ip text)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth_failures`);
  }
}
