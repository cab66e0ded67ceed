export * from './errors';
export * from './identity';
export * from './key-ring';
export * from './sealed-value';
