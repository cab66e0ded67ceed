import { ApiError, denialOf, toCoded } from './errors';

describe('denials carried by errors', () => {
  const reasonOf = (e: unknown) => denialOf(e, toCoded(e));

  it('a 404 that hides a refusal carries the policy reason; a plain 404 carries none', () => {
    expect(reasonOf(new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', 'No experiment 7', 'lacks READ on experiment 7'))).toBe('lacks READ on experiment 7');
    expect(reasonOf(new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', 'No experiment 7'))).toBeUndefined();
  });

  it('every 403 is a denial, with its message as the reason unless it names one', () => {
    expect(reasonOf(new ApiError(403, 'PERMISSION_DENIED', 'Permission denied: requires admin'))).toBe('Permission denied: requires admin');
    expect(reasonOf(new ApiError(403, 'PERMISSION_DENIED', 'Permission denied', 'key scope caps experiments at read'))).toBe('key scope caps experiments at read');
    expect(reasonOf(new ApiError(400, 'INVALID_PARAMETER_VALUE', 'bad'))).toBeUndefined();
  });
});
