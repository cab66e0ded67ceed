export * from './fake-server';
export * from './openai-fake';
export { OPENAI_FAMILY_FAULTS } from './openai-fake-errors';
export type { OpenAiFamilyFault, OpenAiFlavour } from './openai-fake-errors';
export * from './mistral-fake';
