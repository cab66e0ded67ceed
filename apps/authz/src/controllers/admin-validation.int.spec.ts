import { admin, AuthzApp, createAuthzApp } from '../testing/authz-app.spec-helper';

/**
 * authz's admin API through the platform's one ValidationPipe (decision 040): a wrong type, an
 * unknown field and a missing field are each a 400 in problem details whose detail names the field
 * and says what is wrong in plain words.
 */
describe('authz admin routes validate through the global pipe', () => {
  let t: AuthzApp;
  beforeAll(async () => {
    t = await createAuthzApp('authz_validation');
  }, 60_000);
  afterAll(async () => t?.close());

  const problem = (detail: string) => ({ type: 'urn:custos:error:invalid_parameter_value', title: 'INVALID_PARAMETER_VALUE', status: 400, detail });

  it.each<[string, 'post' | 'put', string, object, string]>([
    ['a wrong type', 'post', '/api/authz/roles', { name: 7, grants: [] }, "Field 'name' must be a string."],
    ['an unknown field', 'post', '/api/authz/roles', { name: 'r', grants: [], colour: 'red' }, "Unknown field 'colour'."],
    ['a missing field', 'post', '/api/authz/roles', { name: 'r' }, "Missing value for required field 'grants'."],
    [
      'a bad nested value',
      'post',
      '/api/authz/roles',
      { name: 'r', grants: [{ resourceType: 'experiment', resourcePattern: '*', permission: 'ALL' }] },
      expect.stringMatching(/^Field 'grants\[0\]\.permission' must be one of the following values: /) as unknown as string,
    ],
    ['a wrong type in a grant', 'put', '/api/authz/grants', { subject: 'alice', resourceType: 'experiment', resourcePattern: '*' }, "Field 'subject' must be an object."],
    ['a wrong type in a key', 'post', '/api/authz/api-keys', { scopes: 'experiments:read' }, "Field 'scopes' must be an array."],
  ])('%s is a 400 naming the field', async (_, method, path, body, detail) => {
    const r = await t.call(admin, method, path, body);
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.body).toEqual(problem(detail));
    expect(JSON.stringify(r.body)).not.toMatch(/isString|whitelistValidation|constraints/);
  });

  it('reads a numeric query as a whole number and refuses anything else', async () => {
    for (const limit of ['x', '-1', '1.5', '0', '1001']) {
      const r = await t.call(admin, 'get', '/api/authz/auth-failures', { limit });
      expect([limit, r.status, r.body]).toEqual([limit, 400, problem("Field 'limit' must be a whole number from 1 to 1000.")]);
    }
    expect((await t.call(admin, 'get', '/api/authz/auth-failures', { limit: '5' })).status).toBe(200);
    expect((await t.call(admin, 'get', '/api/authz/auth-failures')).status).toBe(200);
  });

  it('still accepts a valid body (DTO instances reach the handler)', async () => {
    const r = await t.call(admin, 'post', '/api/authz/roles', { name: 'readers', grants: [{ resourceType: 'experiment', resourcePattern: '*', permission: 'READ' }] });
    expect(r.status).toBe(201);
    expect(r.body.role).toMatchObject({ name: 'readers' });
  });
});
