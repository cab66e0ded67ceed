import { TrackingError } from '@custos/tracking-domain';
import {
  artifactPathBelow,
  artifactPathFromQuery,
  artifactPathFromUrl,
  artifactStreamId,
  experimentIdOfQueryPath,
  experimentIdOfUrlPath,
  InvalidArtifactPath,
  OutsideArtifactRoot,
  proxiedRootOf,
} from './artifact-path';

const RUN = '0123456789abcdef0123456789abcdef';
const file = { allowRoot: false };
const dirOk = { allowRoot: true };

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Refused with MLflow's exact answer (400, INVALID_PARAMETER_VALUE, "Invalid path"), for `reason`. */
function rejects(fn: () => unknown, reason: RegExp = /./): void {
  const thrown = thrownBy(fn);
  expect(thrown).toBeInstanceOf(InvalidArtifactPath);
  expect((thrown as TrackingError).code).toBe('INVALID_PARAMETER_VALUE');
  expect((thrown as TrackingError).httpStatus).toBe(400);
  expect((thrown as TrackingError).message).toBe('Invalid path');
  expect((thrown as InvalidArtifactPath).reason).toMatch(reason);
}

function outside(fn: () => unknown): void {
  expect(thrownBy(fn)).toBeInstanceOf(OutsideArtifactRoot);
}

describe('artifact paths from the URL', () => {
  it('parses a run artifact path', () => {
    expect(artifactPathFromUrl(`1/${RUN}/artifacts/model/MLmodel`, file)).toEqual({
      experimentId: '1',
      runId: RUN,
      modelId: null,
      root: `1/${RUN}/artifacts`,
      relative: 'model/MLmodel',
      path: `1/${RUN}/artifacts/model/MLmodel`,
    });
  });

  it('parses a logged model artifact path', () => {
    expect(artifactPathFromUrl('7/models/m-0a1b2c/artifacts/model.pkl', file)).toEqual({
      experimentId: '7',
      runId: null,
      modelId: 'm-0a1b2c',
      root: '7/models/m-0a1b2c/artifacts',
      relative: 'model.pkl',
      path: '7/models/m-0a1b2c/artifacts/model.pkl',
    });
  });

  it('decodes each segment once, keeping legitimate names', () => {
    const loc = artifactPathFromUrl(`0/${RUN}/artifacts/my%20plots/%C3%A9t%C3%A9%20100%25.png`, file);
    expect(loc.relative).toBe('my plots/été 100%.png');
    expect(artifactPathFromUrl(`0/${RUN}/artifacts/a+b=c,d;e@f:g~h!(1).txt`, file).relative).toBe('a+b=c,d;e@f:g~h!(1).txt');
    expect(artifactPathFromUrl(`0/${RUN}/artifacts/.hidden/..dots../x.`, file).relative).toBe('.hidden/..dots../x.');
  });

  it('allows the root itself only where asked (list, delete)', () => {
    expect(artifactPathFromUrl(`1/${RUN}/artifacts`, dirOk).relative).toBe('');
    rejects(() => artifactPathFromUrl(`1/${RUN}/artifacts`, file), /names an artifact root, not a file/);
    expect(artifactPathFromUrl('1/models/m-1/artifacts', dirOk).path).toBe('1/models/m-1/artifacts');
  });

  it.each([
    ['..', `1/${RUN}/artifacts/../../2/other/artifacts/x`],
    ['.. at the end', `1/${RUN}/artifacts/dir/..`],
    ['.', `1/${RUN}/artifacts/./x`],
    ['encoded dots', `1/${RUN}/artifacts/%2e%2e/x`],
    ['encoded dots, upper case', `1/${RUN}/artifacts/%2E%2E/x`],
    ['mixed encoded dots', `1/${RUN}/artifacts/.%2e/x`],
    ['encoded slash', `1/${RUN}/artifacts/a%2f..%2f..%2fx`],
    ['encoded slash, upper case', `1/${RUN}/artifacts/a%2Fb`],
    ['encoded backslash', `1/${RUN}/artifacts/a%5c..%5cx`],
    ['raw backslash', `1/${RUN}/artifacts/a\\..\\x`],
    ['double-encoded dots', `1/${RUN}/artifacts/%252e%252e/x`],
    ['double-encoded slash', `1/${RUN}/artifacts/a%252fb`],
    ['NUL', `1/${RUN}/artifacts/a%00.txt`],
    ['control character', `1/${RUN}/artifacts/a%0d%0aSet-Cookie:x`],
    ['DEL', `1/${RUN}/artifacts/a%7f`],
    ['fragment marker', `1/${RUN}/artifacts/a%23b`],
    ['absolute path', `/etc/passwd`],
    ['doubled slash (absolute inside)', `1/${RUN}/artifacts//etc/passwd`],
    ['trailing slash', `1/${RUN}/artifacts/dir/`],
    ['malformed escape', `1/${RUN}/artifacts/%zz`],
    ['truncated escape', `1/${RUN}/artifacts/a%2`],
    ['invalid UTF-8', `1/${RUN}/artifacts/%c3%28`],
  ])('rejects %s', (_name, raw) => {
    rejects(() => artifactPathFromUrl(raw, file));
    rejects(() => artifactPathFromUrl(raw, dirOk));
  });

  it.each([
    ['no owner', '1/x.txt'],
    ['experiment only', '1'],
    ['run without the artifacts segment', `1/${RUN}/x.txt`],
    ['run with another folder', `1/${RUN}/metrics/x`],
    ['model without the artifacts segment', '1/models/m-1/x'],
    ['models without an id', '1/models'],
    ['experiment root as a run', '1/artifacts/x'],
  ])("tells a path outside any owner root apart (answered by the caller's access): %s", (_name, raw) => {
    outside(() => artifactPathFromUrl(raw, dirOk));
  });

  it('rejects ids that are not plain identifiers', () => {
    rejects(() => artifactPathFromUrl(`1.5/${RUN}/artifacts/x`, file), /experiment id/);
    outside(() => artifactPathFromUrl(`1/ru n/artifacts/x`, file));
    outside(() => artifactPathFromUrl(`1/models/m:1/artifacts/x`, file));
  });

  it('rejects over-long names and paths', () => {
    rejects(() => artifactPathFromUrl(`1/${RUN}/artifacts/${'a'.repeat(256)}`, file), /longer than 255 bytes/);
    expect(artifactPathFromUrl(`1/${RUN}/artifacts/${'a'.repeat(255)}`, file).relative).toHaveLength(255);
    const deep = Array.from({ length: 40 }, () => 'b'.repeat(120)).join('/');
    rejects(() => artifactPathFromUrl(`1/${RUN}/artifacts/${deep}`, file), /longer than 4096/);
  });

  it('keeps every path of a run under that run: no input reaches a sibling run or experiment', () => {
    const attempts = [`1/${RUN}/artifacts/x`, `1/${RUN}/artifacts/a/b/c`, `1/${RUN}/artifacts`];
    for (const a of attempts) {
      const loc = artifactPathFromUrl(a, dirOk);
      expect(loc.path === loc.root || loc.path.startsWith(`${loc.root}/`)).toBe(true);
      expect(loc.root).toBe(`1/${RUN}/artifacts`);
    }
  });
});

describe('artifact paths from the list query', () => {
  it('takes the decoded value and tolerates one trailing slash', () => {
    expect(artifactPathFromQuery(`1/${RUN}/artifacts/dir/`, dirOk).relative).toBe('dir');
    expect(artifactPathFromQuery(`1/${RUN}/artifacts`, dirOk).relative).toBe('');
    expect(artifactPathFromQuery(`1/${RUN}/artifacts/100% done`, dirOk).relative).toBe('100% done');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['repeated', ['a', 'b']],
    ['an object', { a: 1 }],
    ['root of the store', '/'],
    ['absolute', `/1/${RUN}/artifacts`],
    ['..', `1/${RUN}/artifacts/../../2`],
    ['left-over escape (double encoding)', `1/${RUN}/artifacts/%2e%2e`],
    ['left-over encoded slash', `1/${RUN}/artifacts/a%2Fb`],
    ['backslash', `1/${RUN}/artifacts/..\\x`],
    ['NUL', `1/${RUN}/artifacts/a\u0000`],
    ['newline', `1/${RUN}/artifacts/a\nb`],
    ['two trailing slashes', `1/${RUN}/artifacts/dir//`],
    ['only a dot', '.'],
    ['only a dot and a slash', './'],
  ])('rejects %s', (_name, value) => {
    rejects(() => artifactPathFromQuery(value, dirOk));
  });

  it('tells an experiment alone apart as outside any owner root', () => {
    outside(() => artifactPathFromQuery('1', dirOk));
  });

  // The stock client lists `<root>/.` for download_artifacts(run_id, ".") and `<root>/./sub` below it.
  it('reads a "." segment as the directory it stands in', () => {
    expect(artifactPathFromQuery(`1/${RUN}/artifacts/.`, dirOk)).toEqual(artifactPathFromQuery(`1/${RUN}/artifacts`, dirOk));
    expect(artifactPathFromQuery(`1/${RUN}/artifacts/./`, dirOk).relative).toBe('');
    expect(artifactPathFromQuery(`1/${RUN}/artifacts/./sub/./x.txt`, dirOk).relative).toBe('sub/x.txt');
    rejects(() => artifactPathFromQuery(`1/${RUN}/artifacts/.`, file), /artifact root/);
    rejects(() => artifactPathFromQuery(`1/${RUN}/artifacts/./..`, dirOk), /"\.\."/);
  });
});

describe('artifact paths below an owner root', () => {
  const root = artifactPathFromQuery(`1/${RUN}/artifacts`, dirOk);
  it.each([undefined, '', '.', './'])('reads %p as the root itself', (rel) => {
    expect(artifactPathBelow(root, rel, dirOk)).toEqual(root);
  });
  it('joins a relative path, dropping "." segments', () => {
    expect(artifactPathBelow(root, 'a/b.txt', file).path).toBe(`1/${RUN}/artifacts/a/b.txt`);
    expect(artifactPathBelow(root, './a/./b.txt', file).relative).toBe('a/b.txt');
    expect(artifactPathBelow(root, 'dir/', dirOk).relative).toBe('dir');
  });
  it.each([
    ['..', '../other'],
    ['.. inside', 'a/../../x'],
    ['absolute', '/etc/passwd'],
    ['doubled slash', 'a//b'],
    ['backslash', 'a\\b'],
    ['fragment marker', 'a#b'],
    ['repeated', ['a', 'b']],
  ])('rejects %s with "Invalid path"', (_name, rel) => {
    rejects(() => artifactPathBelow(root, rel, file));
  });
  it('needs a file where the route reads or writes one', () => {
    rejects(() => artifactPathBelow(root, '.', file), /artifact root/);
  });
});

describe('the experiment a path names, read before its shape', () => {
  it('is the first segment when it is an id, decoded once from the URL', () => {
    expect(experimentIdOfUrlPath(`12/${RUN}/artifacts/../x`)).toBe('12');
    expect(experimentIdOfUrlPath(`%31%32/anything`)).toBe('12');
    expect(experimentIdOfQueryPath(`7/models/m-1/artifacts/%2e%2e`)).toBe('7');
  });
  it('is undefined when the first segment names no experiment', () => {
    expect(experimentIdOfUrlPath('../1/x')).toBeUndefined();
    expect(experimentIdOfUrlPath('%zz/x')).toBeUndefined();
    expect(experimentIdOfUrlPath('/1/x')).toBeUndefined();
    expect(experimentIdOfQueryPath(['1', '2'])).toBeUndefined();
    expect(experimentIdOfQueryPath('./1')).toBeUndefined();
  });
});

describe('artifact streams and proxied roots', () => {
  it('gives each owner its own artifact stream, apart from the run stream', () => {
    expect(artifactStreamId(artifactPathFromUrl(`1/${RUN}/artifacts/x`, file))).toBe(`artifact-1/${RUN}`);
    expect(artifactStreamId(artifactPathFromUrl('1/models/m-1/artifacts/x', file))).toBe('artifact-1/models/m-1');
  });

  it('reads the storage root from mlflow-artifacts URIs only', () => {
    expect(proxiedRootOf(`mlflow-artifacts:/1/${RUN}/artifacts`)).toBe(`1/${RUN}/artifacts`);
    expect(proxiedRootOf(`mlflow-artifacts://host:5000/1/${RUN}/artifacts/`)).toBe(`1/${RUN}/artifacts`);
    expect(proxiedRootOf(`s3://bucket/1/${RUN}/artifacts`)).toBeUndefined();
    expect(proxiedRootOf(`file:///tmp/x`)).toBeUndefined();
  });
});
