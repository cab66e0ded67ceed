import { actorOf, denialDetail } from './denials';

describe('denial details from services', () => {
  it('decodes the URI-encoded reason and bounds it', () => {
    expect(denialDetail(encodeURIComponent('lacks READ on experiment 1 (has NO_PERMISSIONS from default)'))).toBe('lacks READ on experiment 1 (has NO_PERMISSIONS from default)');
    expect(denialDetail(encodeURIComponent('x'.repeat(600)))).toHaveLength(512);
  });

  it('keeps a garbled header as text and ignores a missing or repeated one', () => {
    expect(denialDetail('%E0%A4%A')).toBe('%E0%A4%A');
    expect(denialDetail(undefined)).toBeUndefined();
    expect(denialDetail(['a', 'b'])).toBeUndefined();
  });

  it('names the authenticated principal as the actor', () => {
    expect(actorOf({ id: 'svc-1', kind: 'service_account', roles: [], groups: [] })).toEqual({ type: 'service_account', id: 'svc-1' });
    expect(actorOf({ id: 'u-1', kind: 'user', roles: [], groups: [] })).toEqual({ type: 'user', id: 'u-1' });
  });
});
