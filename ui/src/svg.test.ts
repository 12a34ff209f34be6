// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { sanitiseSvg, svgFromString } from './svg';

const CHART = `<svg width="800" height="400" viewBox="0 0 800 400" xmlns="http://www.w3.org/2000/svg" onload="alert(1)">
<rect x="0" y="0" width="800" height="400" opacity="1" fill="#FFFFFF" stroke="none"/>
<script>alert(2)</script>
<rect x="10" y="20" width="30" height="40" opacity="1" fill="#2563C9" stroke="none" onclick="alert(3)"/>
<text x="5" y="5" font-family="sans-serif" fill="#000000">Café &amp; Co</text>
<a href="javascript:alert(4)"><rect x="1" y="1" width="2" height="2" fill="#000000"/></a>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
</svg>`;

function parse(text: string): Element {
  return new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
}

describe('SVG sanitiser', () => {
  it('removes scripts, event handlers, javascript: links and foreign content, keeping the drawing', () => {
    const root = parse(CHART);
    sanitiseSvg(root);
    expect(root.querySelectorAll('script')).toHaveLength(0);
    expect(root.getElementsByTagName('foreignObject')).toHaveLength(0);
    expect(root.hasAttribute('onload')).toBe(false);
    const rects = Array.from(root.querySelectorAll('rect'));
    expect(rects).toHaveLength(3);
    expect(rects[1].getAttribute('fill')).toBe('#2563C9');
    expect(rects[1].hasAttribute('onclick')).toBe(false);
    expect(root.querySelector('a')!.hasAttribute('href')).toBe(false);
    expect(root.querySelector('text')!.textContent).toBe('Café & Co');
    expect(root.outerHTML).not.toMatch(/alert|script/i);
  });

  it('imports a clean, responsive <svg> into the page document', () => {
    const svg = svgFromString(CHART)!;
    expect(svg).not.toBeNull();
    expect(svg.ownerDocument).toBe(document);
    expect(svg.localName).toBe('svg');
    expect(svg.getAttribute('viewBox')).toBe('0 0 800 400');
    expect(svg.hasAttribute('width')).toBe(false);
    expect(svg.querySelectorAll('rect')).toHaveLength(3);
    expect(svg.querySelector('script')).toBeNull();
  });

  it('derives a viewBox from width and height when there is none', () => {
    const svg = svgFromString('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150"><rect width="1" height="1"/></svg>')!;
    expect(svg.getAttribute('viewBox')).toBe('0 0 300 150');
  });

  it('rejects text that is not an SVG document', () => {
    expect(svgFromString('')).toBeNull();
    expect(svgFromString('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>')).toBeNull();
    expect(svgFromString('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>')).toBeNull();
  });
});
