export * from './infra-env';
export * from './test-database';
export * from './kafka-helpers';
