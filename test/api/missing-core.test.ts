/**
 * A construct whose stack no installed CDKTF core can have built (neither
 * cdktf nor cdktn loads) says, in one line, which packages to install.
 */
test('no loadable core: one line naming the packages to install', () => {
  jest.isolateModules(() => {
    const missing = (name: string) => () => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    };
    jest.doMock('cdktf', missing('cdktf'));
    jest.doMock('cdktn', missing('cdktn'));
    const { coreOf } = require('../../lib/constructs/core') as typeof import('../../lib/constructs/core');
    const stack = { [Symbol.for('cdktf/TerraformStack')]: true, node: { id: 'shop' } };
    const scope = { node: { path: 'shop/segmentation', scopes: [stack] } };
    let message = '';
    try {
      coreOf(scope as never);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('cdktf-microseg: no CDKTF core can be loaded from here: npm install cdktn constructs (or cdktf, if your stack is built with cdktf)');
    expect(message.split('\n')).toHaveLength(1);
  });
});
