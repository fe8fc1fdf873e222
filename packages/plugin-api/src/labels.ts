/** Labels on every container and image fipsyard creates, so leftovers can be found and swept. */
export const LABELS = {
  managed: 'dev.fipsyard.managed',
  run: 'dev.fipsyard.run',
  stage: 'dev.fipsyard.stage',
  image: 'dev.fipsyard.image',
  pipeline: 'dev.fipsyard.pipeline',
  parentImage: 'dev.fipsyard.parent-image-id',
  parentName: 'dev.fipsyard.parent',
  /** The hash of everything the build read: the cache finds an image by it. */
  buildKey: 'dev.fipsyard.build-key',
} as const;
