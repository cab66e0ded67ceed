import { randomInt, randomUUID } from 'node:crypto';

/** Run ids are 32 lowercase hex characters, like MLflow's `uuid.uuid4().hex`. */
export function newRunId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Logged model ids follow MLflow's `m-<uuid4 hex>`. */
export function newLoggedModelId(): string {
  return `m-${newRunId()}`;
}

const PREDICATES = [
  'able', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fair', 'gentle', 'glowing',
  'grand', 'happy', 'honest', 'jolly', 'keen', 'kind', 'lively', 'lucky', 'merry', 'mighty', 'nimble', 'polite',
  'proud', 'quick', 'quiet', 'rare', 'rich', 'sassy', 'sharp', 'shy', 'silent', 'smooth', 'sneaky', 'stately',
  'swift', 'tasteful', 'thoughtful', 'unique', 'upbeat', 'vivid', 'warm', 'wise', 'witty', 'zealous',
];
const NOUNS = [
  'ant', 'bass', 'bat', 'bear', 'bee', 'carp', 'cat', 'cod', 'colt', 'crab', 'crow', 'deer', 'doe', 'dove', 'duck',
  'eel', 'elk', 'finch', 'fish', 'fox', 'frog', 'gnat', 'goat', 'hare', 'hawk', 'hen', 'horse', 'jay', 'koi',
  'lamb', 'lark', 'lynx', 'mole', 'moth', 'mule', 'newt', 'owl', 'ox', 'panda', 'pig', 'pug', 'ram', 'rat', 'seal',
  'shark', 'shrew', 'skink', 'slug', 'snail', 'snake', 'squid', 'stag', 'swan', 'toad', 'trout', 'wasp', 'whale', 'wolf', 'yak',
];

/** MLflow's generated names: `<predicate>-<noun>-<0..999>`, at most 20 characters. */
export function randomName(): string {
  const pick = (words: string[]) => words[randomInt(words.length)];
  return `${pick(PREDICATES)}-${pick(NOUNS)}-${randomInt(1000)}`.slice(0, 20);
}
