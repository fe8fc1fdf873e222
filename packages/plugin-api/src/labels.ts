/** Labels on every container and image fipsyard creates, so leftovers can be found and swept. */
export const LABELS = {
  managed: 'dev.fipsyard.managed',
  run: 'dev.fipsyard.run',
  stage: 'dev.fipsyard.stage',
  image: 'dev.fipsyard.image',
  pipeline: 'dev.fipsyard.pipeline',
  parentImage: 'dev.fipsyard.parent-image-id',
  parentName: 'dev.fipsyard.parent',
} as const;
