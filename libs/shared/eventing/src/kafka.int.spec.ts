import { ConfigResourceTypes } from 'kafkajs';
import { testKafka, uniqueName } from '@custos/testing';
import { ensureTopics } from './kafka';

describe('ensureTopics', () => {
  const kafka = testKafka();

  it('creates topics with min.insync.replicas set on the topic itself, as configured', async () => {
    const topic = uniqueName('durable');
    await ensureTopics(kafka, 1, [topic], { replicationFactor: 1, minInsyncReplicas: 1 });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }] });
      const [entry] = resources[0].configEntries;
      expect(entry).toMatchObject({ configName: 'min.insync.replicas', configValue: '1', isDefault: false });
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0].partitions[0].replicas).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses a min.insync.replicas above the replication factor (no write could be acknowledged)', async () => {
    await expect(ensureTopics(kafka, 1, [uniqueName('never')], { replicationFactor: 1, minInsyncReplicas: 2 })).rejects.toThrow(/exceeds the replication factor/);
  });
});
