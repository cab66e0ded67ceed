import { TrackingError } from './errors';
import { parseOrderBy, parseOrderByList } from './search-order-by';

describe('order_by parser', () => {
  it.each([
    ['metrics.x DESC', { kind: 'metric', key: 'x', ascending: false }],
    ['attributes.start_time ASC', { kind: 'attribute', key: 'start_time', ascending: true }],
    ['params.p', { kind: 'param', key: 'p', ascending: true }],
    ['tags.t desc', { kind: 'tag', key: 't', ascending: false }],
    ['metrics.`val loss` DESC', { kind: 'metric', key: 'val loss', ascending: false }],
    ['tags."a b"', { kind: 'tag', key: 'a b', ascending: true }],
    ['created', { kind: 'attribute', key: 'start_time', ascending: true }],
    ['run_name asc', { kind: 'attribute', key: 'run_name', ascending: true }],
  ])('parses %j', (clause, term) => {
    expect(parseOrderBy(clause, 'runs')).toEqual(term);
  });

  it('parses experiment orderings on attributes only', () => {
    expect(parseOrderBy('name ASC', 'experiments')).toEqual({ kind: 'attribute', key: 'name', ascending: true });
    expect(parseOrderBy('experiment_id DESC', 'experiments')).toEqual({ kind: 'attribute', key: 'experiment_id', ascending: false });
    expect(() => parseOrderBy('tags.team', 'experiments')).toThrow("invalid order_by entity 'tag', only attributes can be sorted on at character 1 (near 'tags')");
  });

  it.each([
    ['', 'expected an identifier'],
    ['metrics.x SIDEWAYS', "expected ASC, DESC or the end of the clause at character 11 (near 'SIDEWAYS')"],
    ['metrics.x DESC extra', "(near 'extra')"],
    ['attributes.colour', "invalid attribute key 'colour'"],
    ['metrics.x > 1', "(near '>')"],
  ])('refuses %j', (clause, message) => {
    let error: unknown;
    try {
      parseOrderBy(clause, 'runs');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrackingError);
    expect((error as TrackingError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((error as TrackingError).message).toContain(message);
    expect((error as TrackingError).message).toContain('Invalid order_by clause');
  });

  it('parses lists and refuses the same field twice', () => {
    expect(parseOrderByList(['metrics.a DESC', 'params.a'], 'runs')).toHaveLength(2);
    expect(parseOrderByList(undefined, 'runs')).toEqual([]);
    expect(() => parseOrderByList(['start_time', 'created DESC'], 'runs')).toThrow('`order_by` contains duplicate fields: ["start_time","created DESC"]');
  });
});
