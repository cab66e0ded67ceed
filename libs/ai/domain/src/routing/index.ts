export * from './target-order';
export * from './retry-policy';
