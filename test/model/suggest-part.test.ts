/** "Did you mean" for a short name typed where a full segment name is needed. */
import { didYouMeanName, suggestByPart } from '../../lib/model/suggest';

const shop = ['shop-web-prod', 'shop-app-prod', 'billing-app-prod', 'monitoring-prod', 'shop-web-staging', 'shop-app-staging'];

test('a part of a name, or a typo of one, finds the names holding it, in policy order, at most three', () => {
  expect(suggestByPart('webb', shop)).toEqual(['shop-web-prod', 'shop-web-staging']);
  expect(suggestByPart('web', shop)).toEqual(['shop-web-prod', 'shop-web-staging']);
  expect(suggestByPart('app', shop)).toEqual(['shop-app-prod', 'billing-app-prod', 'shop-app-staging']);
  expect(suggestByPart('database', shop)).toEqual([]);
});

test('the whole-name suggestion wins; one part match reads as one name', () => {
  expect(didYouMeanName('shop-webb-prod', shop)).toBe(" (did you mean 'shop-web-prod'?)");
  expect(didYouMeanName('webb', shop)).toBe(" (did you mean one of 'shop-web-prod', 'shop-web-staging'?)");
  expect(didYouMeanName('monitorin', shop)).toBe(" (did you mean 'monitoring-prod'?)");
  expect(didYouMeanName('zzz', shop)).toBe('');
});
