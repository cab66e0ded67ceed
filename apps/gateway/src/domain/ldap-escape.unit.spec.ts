import { escapeDnValue, escapeFilterValue, fillTemplate } from './ldap-escape';

describe('LDAP escaping', () => {
  it.each([
    ['alice', 'alice'],
    ['a,ou=admins', 'a\\,ou\\=admins'],
    ['x+y"z;<w>\\', 'x\\+y\\"z\\;\\<w\\>\\\\'],
    [' lead', '\\ lead'],
    ['#hash', '\\#hash'],
    ['trail ', 'trail\\ '],
    ['mid dle#', 'mid dle#'],
    ['nul\u0000', 'nul\\00'],
    ['é', 'é'],
  ])('DN value %j', (input, expected) => expect(escapeDnValue(input)).toBe(expected));

  it.each([
    ['alice', 'alice'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['a\\b', 'a\\5cb'],
    ['nul\u0000', 'nul\\00'],
  ])('filter value %j', (input, expected) => expect(escapeFilterValue(input)).toBe(expected));

  it('fills templates for their context', () => {
    expect(fillTemplate('uid={username},ou=people,dc=example,dc=org', 'a,b', 'dn')).toBe('uid=a\\,b,ou=people,dc=example,dc=org');
    expect(fillTemplate('(&(objectClass=person)(uid={username}))', '*', 'filter')).toBe('(&(objectClass=person)(uid=\\2a))');
  });
});
