/**
 * A small well-formedness check for the XML we write (no DTD, no CDATA, no comments): every tag
 * closes in order, one root, attribute values quoted without raw `<`, `&` only in entities, and no
 * character XML 1.0 forbids. Returns the problem, or undefined when the document is well-formed.
 */
export function xmlProblem(xml: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const forbidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.exec(xml);
  if (forbidden) return `forbidden character U+${forbidden[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${forbidden.index}`;
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(xml);
  if (entity) return `bare & at ${entity.index}`;
  const body = xml.replace(/^<\?xml [^?]*\?>/, '');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|[^<]+/gy;
  const stack: string[] = [];
  let roots = 0;
  let pos = 0;
  for (let m = token.exec(body); m; m = token.exec(body)) {
    pos = token.lastIndex;
    const [whole, closing, name, , selfClosing] = m;
    if (name === undefined) {
      if (stack.length === 0 && whole.trim()) return `text outside the root: ${JSON.stringify(whole.slice(0, 40))}`;
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open ?? 'nothing'}>`;
    } else {
      if (stack.length === 0) roots += 1;
      if (!selfClosing) stack.push(name);
    }
  }
  if (pos !== body.length) return `cannot read markup at ${pos}: ${JSON.stringify(body.slice(pos, pos + 40))}`;
  if (stack.length) return `unclosed <${stack.join('>, <')}>`;
  if (roots !== 1) return `${roots} root elements`;
  return undefined;
}

/** Reverses the five predefined entities and numeric references, as an XML reader would. */
export function unescapeXml(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** The element's own text, unescaped (empty for self-closing elements). */
  text: string;
  children: XmlElement[];
}

/** Parses a document that passes `xmlProblem` into its root element; throws on any problem. */
export function parseXml(xml: string): XmlElement {
  const problem = xmlProblem(xml);
  if (problem) throw new Error(`not well-formed: ${problem}`);
  const root: XmlElement = { name: '#document', attrs: {}, text: '', children: [] };
  const open: { el: XmlElement; text: string[] }[] = [{ el: root, text: [] }];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/g;
  const body = xml.replace(/^<\?xml [^?]*\?>/, '');
  for (let m = token.exec(body); m; m = token.exec(body)) {
    const [, closing, name, attrText, selfClosing, text] = m;
    if (text !== undefined) {
      open.at(-1)!.text.push(text);
    } else if (closing) {
      const done = open.pop()!;
      done.el.text = unescapeXml(done.text.join(''));
    } else {
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? '').matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) attrs[a[1]!] = unescapeXml(a[2]!);
      const el: XmlElement = { name: name!, attrs, text: '', children: [] };
      open.at(-1)!.el.children.push(el);
      if (!selfClosing) open.push({ el, text: [] });
    }
  }
  return root.children[0]!;
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
