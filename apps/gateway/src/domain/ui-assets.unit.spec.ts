import { uiAssetFor, UI_INDEX_CACHE_CONTROL } from './ui-assets';

describe('uiAssetFor', () => {
  it('lets a browser keep content-hashed files, and only revalidated copies of the rest', () => {
    expect(uiAssetFor('static/js/main.c2f5f8d4.js')).toEqual({ file: 'static/js/main.c2f5f8d4.js', cacheControl: 'private, max-age=2419200, immutable' });
    expect(uiAssetFor('TelemetryLogger.telemetry-worker.d0f8ea2c83c08b63528f.worker.js')?.cacheControl).toContain('immutable');
    expect(uiAssetFor('favicon.ico')).toEqual({ file: 'favicon.ico', cacheControl: 'private, no-cache' });
    expect(uiAssetFor('manifest.json')?.cacheControl).toBe('private, no-cache');
    expect(UI_INDEX_CACHE_CONTROL).toBe('no-store');
  });

  it.each(['', '../secrets.env', 'static/../../x', './index.html', 'static//main.js', '.hidden', 'static/js/', 'a\\b', 'x'.repeat(513)])('refuses %j', (rest) =>
    expect(uiAssetFor(rest)).toBeUndefined(),
  );
});
