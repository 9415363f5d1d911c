import { propertyTest } from './property';

// Secure tags: every rule in a global network firewall policy, one priority each (issue 21).
propertyTest('gcp', { label: 'identity secure-tags', settings: { identity: 'secure-tags' } });
