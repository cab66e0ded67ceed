export * from './permissions';
export * from './actions';
export * from './authorize';
