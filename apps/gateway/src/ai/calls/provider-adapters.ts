import { ProviderAdapter, ProviderName } from '@custos/ai-domain';

/** The provider adapters this gateway knows, by name (the pure translations in @custos/ai-domain). */
export class ProviderAdapters {
  private readonly byName: Map<ProviderName, ProviderAdapter>;

  constructor(adapters: readonly ProviderAdapter[]) {
    this.byName = new Map(adapters.map((a) => [a.name, a]));
  }

  get(name: ProviderName): ProviderAdapter | undefined {
    return this.byName.get(name);
  }
}
