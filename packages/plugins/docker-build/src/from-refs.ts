/**
 * The images a Dockerfile pulls from outside the build: FROM lines, `COPY --from=` and
 * `RUN --mount=…,from=`; build args and ARG defaults substituted, multi-stage names (and stage
 * numbers) and `scratch` left out. Pure.
 */
export function externalFromRefs(dockerfile: string, buildArgs: Record<string, string>): string[] {
  const text = dockerfile.replace(/\\\r?\n/g, ' ');
  const globalArgs: Record<string, string> = {};
  const stages = new Set<string>();
  const refs: string[] = [];
  let seenFrom = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/i.exec(line);
    if (arg && !seenFrom) {
      const name = arg[1]!;
      const dflt = arg[2] === undefined ? undefined : unquote(arg[2].trim());
      const v = buildArgs[name] ?? dflt;
      if (v !== undefined) globalArgs[name] = v;
      continue;
    }
    const copied = /^(?:COPY|ADD)\s.*?--from=(\S+)/i.exec(line) ?? /^RUN\s.*?--mount=\S*?\bfrom=([^,\s]+)/i.exec(line);
    if (copied) {
      const ref = substitute(copied[1]!.replace(/^(["'])(.*)\1$/, '$2'), globalArgs);
      if (!/^\d+$/.test(ref) && !ref.includes('$') && !refs.includes(ref)) refs.push(ref);
      continue;
    }
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from) continue;
    seenFrom = true;
    const ref = substitute(from[1]!, globalArgs);
    if (from[2]) stages.add(from[2].toLowerCase());
    if (ref === 'scratch' || stages.has(ref.toLowerCase()) || ref.includes('$') || ref.startsWith('sha256:')) continue;
    if (!refs.includes(ref)) refs.push(ref);
  }
  // Stage names are known only once every FROM is read: filter once more.
  return refs.filter((r) => !stages.has(r.toLowerCase()) && r !== 'scratch');
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

function substitute(s: string, vars: Record<string, string>): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a: string | undefined, d: string | undefined, b: string | undefined) => {
    const name = a ?? b ?? '';
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    return d ?? m;
  });
}
