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

/** Saves a chart where the user chooses; resolves to the path, or null when cancelled. */
export async function exportChart(name: ChartName, format: 'svg' | 'png', svgText: string, background = '#ffffff'): Promise<string | null> {
  if (format === 'svg') return saveChart(name, 'svg');
  const bytes = await svgToPng(svgText, background);
  return saveChart(name, 'png', Array.from(bytes));
}
