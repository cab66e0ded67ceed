export * from './api-route.decorators';
export * from './service-document';
export * from './openapi-merge';
export * from './openapi-structure';
