// Shows a case the way OHIF does: the source stack in a Cornerstone3D StackViewport (the rendering
// engine, WebGL through Chromium's software rasteriser) with the adapter's labelmap added as a
// @cornerstonejs/tools segmentation representation, segments in the SEG's recommended colours.
import { RenderingEngine, Enums, imageLoader, utilities } from '@cornerstonejs/core';
import { init as initTools, segmentation, Enums as ToolsEnums } from '@cornerstonejs/tools';
import dcmjs from 'dcmjs';

const SIZE = 256;
let engine;

export async function initRendering(provider) {
  await initTools();
  engine = new RenderingEngine('secaimed-viewer');
  // Source images come from the datasets the page parsed (modality values, as OHIF's loader pre-scales them).
  imageLoader.registerImageLoader('secaimed', (imageId) => ({ promise: Promise.resolve(sourceImage(imageId, provider)) }));
}

function sourceImage(imageId, provider) {
  const ds = provider.datasets.get(imageId);
  const raw = Array.isArray(ds.PixelData) ? ds.PixelData[0] : ds.PixelData;
  const stored = ds.BitsAllocated === 16 ? (ds.PixelRepresentation === 1 ? new Int16Array(raw) : new Uint16Array(raw)) : new Uint8Array(raw);
  const slope = Number(ds.RescaleSlope ?? 1), intercept = Number(ds.RescaleIntercept ?? 0);
  const scalarData = Float32Array.from(stored.subarray(0, ds.Rows * ds.Columns), (v) => v * slope + intercept);
  let min = Infinity, max = -Infinity;
  for (const v of scalarData) { if (v < min) min = v; if (v > max) max = v; }
  const ct = ds.Modality === 'CT';
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({ width: ds.Columns, height: ds.Rows, scalarData, numberOfComponents: 1 });
  const spacing = (ds.PixelSpacing ?? [1, 1]).map(Number);
  return {
    imageId, rows: ds.Rows, columns: ds.Columns, width: ds.Columns, height: ds.Rows,
    color: false, rgba: false, numberOfComponents: 1, invert: false, photometricInterpretation: 'MONOCHROME2',
    minPixelValue: min, maxPixelValue: max, slope: 1, intercept: 0,
    windowCenter: ct ? 40 : (min + max) / 2, windowWidth: ct ? 400 : Math.max(1, max - min),
    rowPixelSpacing: spacing[0], columnPixelSpacing: spacing[1],
    getPixelData: () => voxelManager.getScalarData(), voxelManager, sizeInBytes: scalarData.byteLength, dataType: 'Float32Array',
  };
}

/** Renders one case into {@code container}; {@code loaded} is the adapter's result, or null when it failed. */
export async function renderCase(container, name, imageIds, loaded, error) {
  const figure = document.createElement('figure');
  const element = document.createElement('div');
  element.style.width = `${SIZE}px`;
  element.style.height = `${SIZE}px`;
  element.oncontextmenu = (e) => e.preventDefault();
  const caption = document.createElement('figcaption');
  figure.append(element, caption);
  container.append(figure);

  const index = loaded ? mostSegmented(loaded.labelMapImages[0]) : Math.floor(imageIds.length / 2);
  const viewportId = `vp-${name}`;
  engine.enableElement({ viewportId, type: Enums.ViewportType.STACK, element });
  const viewport = engine.getViewport(viewportId);
  await viewport.setStack(imageIds, index);
  if (loaded) {
    const segmentationId = `seg-${name}`;
    segmentation.addSegmentations([{
      segmentationId,
      representation: {
        type: ToolsEnums.SegmentationRepresentations.Labelmap,
        data: { imageIds: loaded.labelMapImages[0].map((image) => image.imageId) },
      },
    }]);
    await segmentation.addLabelmapRepresentationToViewport(viewportId, [{ segmentationId }]);
    loaded.segMetadata.data.forEach((s, n) => {
      if (!s || !n || !s.RecommendedDisplayCIELabValue) return;
      const rgb = dcmjs.data.Colors.dicomlab2RGB(s.RecommendedDisplayCIELabValue).map((c) => Math.round(Math.max(0, Math.min(1, c)) * 255));
      segmentation.config.color.setSegmentIndexColor(viewportId, segmentationId, n, [...rgb, 255]);
    });
  }
  viewport.render();
  caption.textContent = `${name}: ${error ? 'FAILED: ' + error : `image ${index + 1}/${imageIds.length}`}`;
  if (error) figure.className = 'failed';
}

function mostSegmented(layer) {
  let best = -1, index = 0;
  layer.forEach((image, i) => {
    const data = image.voxelManager ? image.voxelManager.getScalarData() : image.getPixelData();
    let n = 0;
    for (const v of data) if (v) n++;
    if (n > best) { best = n; index = i; }
  });
  return index;
}
