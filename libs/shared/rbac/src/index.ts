export * from './permissions';
export * from './scopes';
export * from './actions';
export * from './authorize';
