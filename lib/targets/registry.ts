/**
 * Back ends by name, loaded on demand so that compiling for one cloud never
 * loads another cloud's provider classes.
 */
import { TARGET_NAMES, TargetBackend, TargetName } from './target';

const loaders: Record<TargetName, () => TargetBackend> = {
  aws: () => require('./aws').backend,
  azure: () => require('./azure').backend,
  gcp: () => require('./gcp').backend,
  kubernetes: () => require('./kubernetes').backend,
};

export function isTargetName(s: string): s is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(s);
}

/** The back end for a target. Throws if it cannot be loaded (e.g. its provider package is not installed). */
export function loadBackend(name: TargetName): TargetBackend {
  return loaders[name]();
}
