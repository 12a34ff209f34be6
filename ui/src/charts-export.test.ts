// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { captionedSvg } from './charts-export';

const CHART = '<svg width="600" height="200" viewBox="0 0 600 200" xmlns="http://www.w3.org/2000/svg"><rect x="1" y="2" width="30" height="40" fill="#2F7D5B"/></svg>';

describe('saved charts', () => {
  it('carry their title, period and unit above the picture', () => {
    const out = captionedSvg(CHART, { title: 'Revenue & profit <by day>', subtitle: '2 May 2026 – 31 May 2026 · in €' })!;
    const doc = new DOMParser().parseFromString(out, 'image/svg+xml').documentElement;
    expect(doc.getAttribute('width')).toBe('600');
    expect(doc.getAttribute('height')).toBe('256');
    const texts = [...doc.querySelectorAll(':scope > text')].map((t) => t.textContent);
    expect(texts).toEqual(['Revenue & profit <by day>', '2 May 2026 – 31 May 2026 · in €']);
    const inner = doc.querySelector(':scope > svg')!;
    expect(inner.getAttribute('y')).toBe('56');
    expect(inner.querySelector('rect')!.getAttribute('fill')).toBe('#2F7D5B');
  });

  it('is null for text that is no SVG', () => {
    expect(captionedSvg('not a chart', { title: 't', subtitle: 's' })).toBeNull();
  });
});
