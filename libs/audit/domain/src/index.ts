export * from './canonical-json';
export * from './hash-chain';
export * from './audit-entry';
export * from './merkle';
export * from './checkpoint';
export * from './verify-offline';
export * from './coverage';
