export * from './errors';
export * from './format';
export * from './encrypt-stream';
export * from './decrypt-stream';
