import { propertyTest } from './property';

// Deny guardrails in a hierarchical firewall policy, matched by secure tags of an organization key: always exact.
propertyTest('gcp', { label: 'hierarchical guardrails, organization secure tags', settings: { identity: 'secure-tags', tagParent: 'organizations/123456789', guardrails: 'hierarchical' } });
// With network tags the layer matches segments by address: exact or refused with MS6005 (random segments often share addresses).
propertyTest('gcp', { label: 'hierarchical guardrails, network tags', settings: { guardrails: 'hierarchical' }, maxRefused: 0.9 });
// Service accounts: targets by identity, sources by address.
propertyTest('gcp', { label: 'hierarchical guardrails, service accounts', settings: { identity: 'service-accounts', project: 'prop-project', guardrails: 'hierarchical' }, maxRefused: 0.9 });
