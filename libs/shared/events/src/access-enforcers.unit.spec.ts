import { ACCESS_ENFORCERS, appliedReportSchema, enforcersOf, writesEnforcedEvents } from './access-enforcers';
import { eventCatalog } from './catalog';

describe('access enforcers', () => {
  it('name only event types the catalog declares, of another service than the enforcer', () => {
    const known = new Set(eventCatalog.types());
    for (const e of ACCESS_ENFORCERS) {
      for (const t of e.eventTypes) {
        expect(known.has(t)).toBe(true);
        // A service's own events are applied inline, in the writer's transaction.
        expect(t.startsWith(`${e.service}.`)).toBe(false);
      }
    }
  });

  it('cover the changes the next call depends on', () => {
    const by = (type: string) =>
      enforcersOf(type)
        .map((e) => `${e.service}/${e.consumer}`)
        .sort();
    expect(by('authz.UserCreated')).toEqual(['gateway/identity']);
    expect(by('authz.UserPasswordChanged')).toEqual(['gateway/identity']);
    expect(by('authz.ApiKeyRevoked')).toEqual(['gateway/identity']);
    expect(by('authz.PermissionGranted')).toEqual(['gateway/identity', 'registry/access', 'tracking/access']);
    expect(by('authz.PermissionRevoked')).toEqual(['gateway/identity', 'registry/access', 'tracking/access']);
    expect(by('authz.RoleAssigned')).toEqual(['gateway/identity', 'registry/access', 'tracking/access']);
    expect(by('authz.UserDeleted')).toEqual(['gateway/identity', 'registry/access', 'tracking/access']);
    expect(by('tracking.ExperimentCreated')).toEqual(['authz/resource-owners']);
    expect(by('tracking.RunDataLogged')).toEqual([]);
    // The creator of an AI endpoint may grant on it through authz's permission API right away.
    expect(by('gateway.AiEndpointCreated')).toEqual(['authz/resource-owners']);
    expect(by('gateway.AiSecretCreated')).toEqual([]);
    expect(writesEnforcedEvents('gateway')).toBe(true);
    expect(writesEnforcedEvents('authz')).toBe(true);
    expect(writesEnforcedEvents('tracking')).toBe(true);
    expect(writesEnforcedEvents('audit')).toBe(false);
  });

  it('reads reports of version 1 and refuses others', () => {
    expect(appliedReportSchema.safeParse({ v: 1, service: 'gateway', consumer: 'identity', eventIds: ['a'] }).success).toBe(true);
    expect(appliedReportSchema.safeParse({ v: 2, service: 'gateway', consumer: 'identity', eventIds: ['a'] }).success).toBe(false);
  });
});
