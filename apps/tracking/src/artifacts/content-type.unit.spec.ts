import { contentDisposition, guessContentType } from './content-type';

describe('download content type and disposition', () => {
  it.each([
    ['1/r/artifacts/model/MLmodel', 'text/plain'],
    ['1/r/artifacts/MLproject', 'text/plain'],
    ['1/r/artifacts/conda.yaml', 'text/plain'],
    ['1/r/artifacts/metrics.json', 'text/plain'],
    ['1/r/artifacts/data.csv', 'text/plain'],
    ['1/r/artifacts/plot.png', 'image/png'],
    ['1/r/artifacts/PLOT.PNG', 'image/png'],
    ['1/r/artifacts/report.html', 'text/html'],
    ['1/r/artifacts/model.pkl', 'application/octet-stream'],
    ['1/r/artifacts/noextension', 'application/octet-stream'],
    ['1/r/artifacts/.bashrc', 'application/octet-stream'],
  ])('%s is %s', (path, type) => {
    expect(guessContentType(path)).toBe(type);
  });

  it('names plain ASCII files directly', () => {
    expect(contentDisposition('model.pkl')).toBe('attachment; filename="model.pkl"');
  });

  it('adds an RFC 5987 name for non-ASCII, with an ASCII fallback', () => {
    expect(contentDisposition('été.txt')).toBe(`attachment; filename="_t_.txt"; filename*=UTF-8''%C3%A9t%C3%A9.txt`);
  });

  it('keeps quotes, backslashes and line breaks out of the header', () => {
    const v = contentDisposition('a"b\\c\r\nSet-Cookie: x.txt');
    expect(v).not.toMatch(/[\r\n]/);
    expect(v.startsWith('attachment; filename="a_b_c__Set-Cookie: x.txt"; filename*=UTF-8\'\'')).toBe(true);
  });
});
