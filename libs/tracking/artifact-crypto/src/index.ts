export * from './errors';
export * from './format';
export * from './key-ring';
export * from './encrypt-stream';
export * from './decrypt-stream';
