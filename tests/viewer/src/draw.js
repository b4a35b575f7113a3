// Draws one case for the screenshot: the source slice with the most segmented voxels, windowed,
// with the adapter's labelmap on top in the SEG's recommended colours (dcmjs CIELab -> RGB).
import dcmjs from 'dcmjs';

const SCALE = 3;

function sourcePixels(ds) {
  const raw = Array.isArray(ds.PixelData) ? ds.PixelData[0] : ds.PixelData;
  const values = ds.BitsAllocated === 16
    ? (ds.PixelRepresentation === 1 ? new Int16Array(raw) : new Uint16Array(raw))
    : new Uint8Array(raw);
  const slope = Number(ds.RescaleSlope ?? 1), intercept = Number(ds.RescaleIntercept ?? 0);
  return Float32Array.from(values, (v) => v * slope + intercept);
}

function gray(values, modality) {
  let lo, hi;
  if (modality === 'CT') { lo = -160; hi = 240; } // soft-tissue window
  else { lo = Infinity; hi = -Infinity; for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
  const range = Math.max(1, hi - lo);
  return Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(((v - lo) / range) * 255))));
}

function colours(loaded) {
  const map = {};
  loaded.segMetadata.data.forEach((s, n) => {
    if (!s || !s.RecommendedDisplayCIELabValue) return;
    const rgb = dcmjs.data.Colors.dicomlab2RGB(s.RecommendedDisplayCIELabValue);
    map[n] = rgb.map((c) => Math.round(Math.max(0, Math.min(1, c)) * 255));
  });
  return map;
}

export function drawCase(container, name, sources, loaded, imageIds, provider, error) {
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  let index = Math.floor(sources.length / 2);
  let layer = null;
  if (loaded) {
    layer = loaded.labelMapImages[0];
    let best = -1;
    layer.forEach((image, i) => {
      const data = image.voxelManager ? image.voxelManager.getScalarData() : image.getPixelData();
      let n = 0;
      for (const v of data) if (v) n++;
      if (n > best) { best = n; index = i; }
    });
  }
  const ds = sources[index];
  const canvas = document.createElement('canvas');
  canvas.width = ds.Columns * SCALE;
  canvas.height = ds.Rows * SCALE;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(ds.Columns, ds.Rows);
  const g = gray(sourcePixels(ds), ds.Modality);
  const labels = layer ? (layer[index].voxelManager ? layer[index].voxelManager.getScalarData() : layer[index].getPixelData()) : null;
  const palette = loaded ? colours(loaded) : {};
  for (let p = 0; p < g.length; p++) {
    let [r, gg, b] = [g[p], g[p], g[p]];
    const s = labels ? labels[p] : 0;
    if (s) {
      const c = palette[s] ?? [255, 255, 0];
      [r, gg, b] = [(r + c[0] * 2) / 3, (gg + c[1] * 2) / 3, (b + c[2] * 2) / 3];
    }
    img.data.set([r, gg, b, 255], p * 4);
  }
  const small = document.createElement('canvas');
  small.width = ds.Columns;
  small.height = ds.Rows;
  small.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  caption.textContent = `${name}: ${error ? 'FAILED: ' + error : `image ${index + 1}/${sources.length} (${ds.Columns}\u00d7${ds.Rows})`}`;
  if (error) figure.className = 'failed';
  figure.append(canvas, caption);
  container.append(figure);
}
