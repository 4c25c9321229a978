import { measureBundle, PRESET_MARKERS } from '../../bench/size.js';

// The number itself is printed by `npm run size`; these tests guard what the bundle contains.
describe('bundle size', () => {
  it('leaves the presets out of an app that uses attachTokenAuth and clientCredentials', async () => {
    const report = await measureBundle(['attachTokenAuth', 'clientCredentials']);
    expect(report.gzipBytes).toBeGreaterThan(0);
    for (const marker of PRESET_MARKERS) expect(report.code).not.toContain(marker);
    // A browser bundle: axios stays external, no Node built-ins.
    expect(report.code).toMatch(/from\s*"axios"/);
    expect(report.code).not.toMatch(/\bBuffer\b|node:|require\(/);
  });

  it('keeps a preset only when it is used', async () => {
    const report = await measureBundle(['attachTokenAuth', 'gigachat']);
    expect(report.code).toContain('ngw.devices.sberbank.ru');
    for (const marker of PRESET_MARKERS.filter((m) => m !== 'sberbank.ru'))
      expect(report.code).not.toContain(marker);
  });

  it('bundles BroadcastTokenStore without the core and without web storage', async () => {
    const report = await measureBundle(['BroadcastTokenStore'], `${process.cwd()}/src/browser.ts`);
    expect(report.code).toContain('BroadcastChannel');
    expect(report.code).not.toMatch(/localStorage|sessionStorage|indexedDB/);
    expect(report.code).not.toContain('TokenRequestError');
  });
});
