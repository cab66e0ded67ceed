export * from './access-grants.migration';
export * from './access-projection.handler';
export * from './policy-context.loader';
export * from './permission-sql';
