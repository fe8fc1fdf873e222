// Module resolution hook: resolve the workspace packages to their TypeScript sources (the
// `@fipsyard/source` export condition), so the CLI runs from source in one process.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@fipsyard/source') ? context.conditions : [...context.conditions, '@fipsyard/source'];
  return nextResolve(specifier, { ...context, conditions });
}
