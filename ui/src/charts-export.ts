// Chart export: the SVG as drawn by Rust, or a PNG rendered by the webview at twice the size.
import { saveChart, type ChartName } from './backend';
import { svgFromString } from './svg';

/** Width and height of an SVG document from its viewBox (or width/height); 800×400 otherwise. */
export function svgSize(svg: Element): { width: number; height: number } {
  const box = (svg.getAttribute('viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  if (box.length === 4 && box[2] > 0 && box[3] > 0) return { width: box[2], height: box[3] };
  const w = Number(svg.getAttribute('width'));
  const h = Number(svg.getAttribute('height'));
  return w > 0 && h > 0 ? { width: w, height: h } : { width: 800, height: 400 };
}

/**
 * A standalone SVG document (sanitised, with explicit pixel size) as a data: URL. The CSP allows
 * data: images but not blob: ones (img-src 'self' data:).
 */
export function svgDataUrl(svgText: string, scale = 1): { url: string; width: number; height: number } | null {
  const svg = svgFromString(svgText);
  if (!svg) return null;
  const { width, height } = svgSize(svg);
  svg.setAttribute('width', String(width * scale));
  svg.setAttribute('height', String(height * scale));
  if (!svg.getAttribute('xmlns')) svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const xml = new XMLSerializer().serializeToString(svg);
  return { url: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`, width: width * scale, height: height * scale };
}

/** Renders the SVG on a canvas (2× by default) over `background` and returns the PNG bytes. */
export function svgToPng(svgText: string, background: string, scale = 2): Promise<Uint8Array> {
  const source = svgDataUrl(svgText, scale);
  if (!source) return Promise.reject(new Error('The chart could not be read.'));
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(source.width);
      canvas.height = Math.round(source.height);
      const ctx = canvas.getContext('2d');
      if (!ctx) {
        reject(new Error('The chart could not be drawn.'));
        return;
      }
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      canvas.toBlob((blob) => {
        if (!blob) {
          reject(new Error('The chart could not be converted to PNG.'));
          return;
        }
        blob.arrayBuffer().then((buf) => resolve(new Uint8Array(buf)), reject);
      }, 'image/png');
    };
    img.onerror = () => reject(new Error('The chart could not be drawn.'));
    img.src = source.url;
  });
}

export interface ChartCaption {
  title: string;
  /** The period and the unit, e.g. "2 May 2026 – 31 May 2026 · in €". */
  subtitle: string;
}

const BAND = 56;

function xmlText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The chart as a file shows it: its title, period and unit in a band above the picture (on screen
 * they are around it; a saved picture must carry them itself). Null when the SVG cannot be read.
 */
export function captionedSvg(svgText: string, caption: ChartCaption): string | null {
  const svg = svgFromString(svgText);
  if (!svg) return null;
  const { width, height } = svgSize(svg);
  svg.setAttribute('x', '0');
  svg.setAttribute('y', String(BAND));
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  const inner = new XMLSerializer().serializeToString(svg);
  const total = height + BAND;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}">` +
    `<rect width="${width}" height="${total}" fill="#ffffff"/>` +
    `<text x="12" y="24" font-family="sans-serif" font-size="18" font-weight="600" fill="#1c2230">${xmlText(caption.title)}</text>` +
    `<text x="12" y="46" font-family="sans-serif" font-size="14" fill="#4b5563">${xmlText(caption.subtitle)}</text>` +
    `${inner}</svg>`
  );
}

/**
 * Saves a chart where the user chooses; resolves to the path, or null when cancelled. The PNG is
 * drawn here with its caption. The SVG file is written by Rust from the chart it drew (TODO(lead):
 * `charts::captioned` in `Service::chart_svg`, so that it carries the same caption).
 */
export async function exportChart(
  name: ChartName,
  format: 'svg' | 'png',
  svgText: string,
  caption: ChartCaption,
  background = '#ffffff',
): Promise<string | null> {
  if (format === 'svg') return saveChart(name, 'svg');
  const bytes = await svgToPng(captionedSvg(svgText, caption) ?? svgText, background);
  return saveChart(name, 'png', Array.from(bytes));
}
