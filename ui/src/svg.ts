// The winners chart arrives as an SVG string from Rust (plotters). It is parsed as XML, never
// assigned through innerHTML, and cleaned defensively before it enters the page.

const SVG_NS = 'http://www.w3.org/2000/svg';

// Elements that can run script, embed other documents, or rewrite attributes (animate/set).
const FORBIDDEN = new Set([
  'script', 'foreignobject', 'style', 'iframe', 'object', 'embed', 'audio', 'video',
  'animate', 'set', 'animatemotion', 'animatetransform', 'handler', 'listener',
]);

function cleanAttributes(el: Element): void {
  for (const attr of Array.from(el.attributes)) {
    const name = attr.localName.toLowerCase();
    const isLink = name === 'href' || name === 'src';
    // `style` attributes would be blocked by the CSP anyway; plotters uses presentation attributes.
    if (name.startsWith('on') || name === 'style' || (isLink && !attr.value.trim().startsWith('#'))) {
      el.removeAttributeNode(attr);
    }
  }
}

/** Removes scripts, event handlers, external links and non-SVG elements, in place. */
export function sanitiseSvg(root: Element): void {
  for (const el of Array.from(root.querySelectorAll('*'))) {
    if (el.namespaceURI !== SVG_NS || FORBIDDEN.has(el.localName.toLowerCase())) {
      el.remove();
    } else {
      cleanAttributes(el);
    }
  }
  cleanAttributes(root);
}

/** Parses, sanitises and imports an SVG into `doc`; null when the text is not a valid SVG. */
export function svgFromString(text: string, doc: Document = document): SVGSVGElement | null {
  if (!text.trim()) return null;
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = parsed.documentElement;
  if (
    !root ||
    root.namespaceURI !== SVG_NS ||
    root.localName !== 'svg' ||
    parsed.getElementsByTagName('parsererror').length > 0
  ) {
    return null;
  }
  sanitiseSvg(root);
  // Let CSS size the chart; the viewBox keeps its proportions.
  const w = root.getAttribute('width');
  const h = root.getAttribute('height');
  const isNumber = (v: string | null) => v !== null && /^\d+(\.\d+)?$/.test(v);
  if (!root.hasAttribute('viewBox') && isNumber(w) && isNumber(h)) {
    root.setAttribute('viewBox', `0 0 ${w} ${h}`);
  }
  root.removeAttribute('width');
  root.removeAttribute('height');
  return doc.importNode(root, true) as unknown as SVGSVGElement;
}
