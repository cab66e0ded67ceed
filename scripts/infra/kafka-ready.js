#!/usr/bin/env node
// Kafka readiness check for scripts/infra/kafka.sh.
//
// Exits 0 when admin.describeCluster() against $KAFKA_BROKERS returns at least one broker,
// 1 otherwise (including on timeout). A listening port is not enough: the broker accepts
// metadata requests only once it has joined the KRaft quorum and been unfenced.
//
//   KAFKA_BROKERS=127.0.0.1:59092 node scripts/infra/kafka-ready.js
//   KAFKA_READY_TIMEOUT_MS (default 5000) bounds the whole check.
//   KAFKA_EXPECT_CLUSTER_ID, if set, must match: another stack's broker on the same port
//   must not pass for ours.
'use strict';

const brokers = (process.env.KAFKA_BROKERS || '')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const timeoutMs = Number(process.env.KAFKA_READY_TIMEOUT_MS || 5000);
const expectedClusterId = process.env.KAFKA_EXPECT_CLUSTER_ID || '';
const quiet = process.argv.includes('--quiet');

function finish(code, message) {
  if (!quiet || code !== 0) {
    (code === 0 ? process.stdout : process.stderr).write(`kafka-ready: ${message}\n`);
  }
  process.exit(code);
}

if (brokers.length === 0) finish(1, 'KAFKA_BROKERS is not set');

let Kafka;
let logLevel;
try {
  ({ Kafka, logLevel } = require('kafkajs'));
} catch (err) {
  // Distinct exit code: lets the caller tell "not installed" from "not ready".
  console.error(`kafka-ready: cannot load kafkajs (${err.message}); run npm install`);
  process.exit(2);
}

// Hard deadline, whatever kafkajs is doing. Not unref()'d: if kafkajs ever left no live
// handle, node would otherwise exit 0 with nothing checked.
setTimeout(() => finish(1, `no answer from ${brokers.join(',')} within ${timeoutMs}ms`), timeoutMs);

async function main() {
  const kafka = new Kafka({
    clientId: 'custos-infra-ready',
    brokers,
    connectionTimeout: Math.min(1000, timeoutMs),
    requestTimeout: Math.min(2000, timeoutMs),
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (!cluster.brokers || cluster.brokers.length === 0) {
      throw new Error('cluster reports no brokers');
    }
    if (expectedClusterId && cluster.clusterId !== expectedClusterId) {
      throw new Error(`cluster id ${cluster.clusterId} is not the expected ${expectedClusterId}`);
    }
    const list = cluster.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(',');
    return `ready: cluster ${cluster.clusterId}, brokers ${list}, controller ${cluster.controller}`;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

main().then(
  (message) => finish(0, message),
  (err) => finish(1, `not ready: ${err.message}`),
);
