export * from './infra-env';
export * from './test-database';
export * from './kafka-helpers';
export * from './tcp-proxy';
export * from './http';
export * from './route-policies';
export * from './infra-control';
export * from './route-pipes';
