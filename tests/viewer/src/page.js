// The page the browser test loads: each case's source images and SEG go through the code OHIF runs
// (dcmjs parsing, @cornerstonejs/adapters Cornerstone3D createFromDICOMSegBuffer on
// @cornerstonejs/core's image cache). What the adapter decoded is reported to the test as JSON
// (window.__viewer) and shown in a Cornerstone3D viewport for the screenshot (render.js).
import { init, metaData } from '@cornerstonejs/core';
import { adaptersSEG } from '@cornerstonejs/adapters';
import { findReferenceSourceImageId, getSegmentIndex } from '@cornerstonejs/adapters/cornerstone/Segmentation_4X';
import { buildSopUIDImageIdIndexMap } from '@cornerstonejs/adapters/cornerstone3D/Segmentation/labelmapImagesFromBuffer';
import { normalizeSharedFunctionalGroupsSequence } from '@cornerstonejs/adapters/cornerstone3D/Segmentation/perFrameFunctionalGroups';
import dcmjs from 'dcmjs';
import { SourceMetadata } from './metadata.js';
import { initRendering, renderCase } from './render.js';

const { DicomMessage, DicomMetaDictionary } = dcmjs.data;
const TOLERANCE = 1e-3; // OHIF's default

function parse(buffer) {
  const file = DicomMessage.readFile(buffer);
  const ds = DicomMetaDictionary.naturalizeDataset(file.dict);
  ds._meta = DicomMetaDictionary.namifyDataset(file.meta);
  return ds;
}

async function fetchBuffer(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

/** Which source image and segment each SEG frame lands on, resolved by the adapter's own helpers. */
function frameMapping(segBuffer, imageIds, provider) {
  const ds = parse(segBuffer);
  const multiframe = dcmjs.normalizers.Normalizer.normalizeToDataset([ds]);
  normalizeSharedFunctionalGroupsSequence(multiframe);
  if (multiframe.PerFrameFunctionalGroupsSequence && !Array.isArray(multiframe.PerFrameFunctionalGroupsSequence)) {
    multiframe.PerFrameFunctionalGroupsSequence = [multiframe.PerFrameFunctionalGroupsSequence];
  }
  const sopMap = buildSopUIDImageIdIndexMap(imageIds, provider);
  const frames = [];
  const n = Number(multiframe.NumberOfFrames) || 1;
  for (let i = 0; i < n; i++) {
    const imageId = findReferenceSourceImageId(multiframe, i, imageIds, provider, TOLERANCE, sopMap);
    const segment = multiframe.SegmentationType === 'LABELMAP' ? null : getSegmentIndex(multiframe, i);
    frames.push({ frame: i + 1, segment: segment ?? null, sopInstanceUid: imageId ? provider.sopInstanceUid(imageId) : null });
  }
  return frames;
}

/** Voxels per segment on each source image, counted in the labelmap images the adapter filled. */
function voxelCounts(labelMapImages, imageIds, provider) {
  const perImage = {};
  for (const layer of labelMapImages) {
    layer.forEach((image, index) => {
      const data = image.voxelManager ? image.voxelManager.getScalarData() : image.getPixelData();
      const counts = (perImage[provider.sopInstanceUid(imageIds[index])] ??= {});
      for (let p = 0; p < data.length; p++) {
        if (data[p]) counts[data[p]] = (counts[data[p]] ?? 0) + 1;
      }
    });
  }
  for (const k of Object.keys(perImage)) if (Object.keys(perImage[k]).length === 0) delete perImage[k];
  return perImage;
}

// Cases on the same series share its parsed datasets (each case still gets its own image ids).
const parsedSources = new Map();
async function source(url) {
  if (!parsedSources.has(url)) parsedSources.set(url, parse(await fetchBuffer(url)));
  return parsedSources.get(url);
}

async function runCase(c, provider, container) {
  const result = { name: c.name, ok: false };
  const imageIds = [];
  const sources = [];
  for (const url of c.images) {
    const ds = await source(url);
    const imageId = `secaimed:${c.name}:${url}`;
    provider.add(imageId, ds);
    imageIds.push(imageId);
    sources.push(ds);
  }
  const segBuffer = await fetchBuffer(c.seg);
  result.frames = frameMapping(segBuffer, imageIds, provider);
  try {
    const loaded = await adaptersSEG.Cornerstone3D.Segmentation.createFromDICOMSegBuffer(
        imageIds, segBuffer, { metadataProvider: provider, tolerance: TOLERANCE });
    result.segments = loaded.segMetadata.data
        .map((s, n) => (s ? { number: n, label: s.SegmentLabel ?? null, lab: s.RecommendedDisplayCIELabValue ?? null } : null))
        .filter(Boolean);
    result.overlapping = !!loaded.overlappingSegments;
    result.voxels = voxelCounts(loaded.labelMapImages, imageIds, provider);
    result.ok = true;
    await renderCase(container, c.name, imageIds, loaded, null);
  } catch (e) {
    result.error = String(e && e.message ? e.message : e);
    await renderCase(container, c.name, imageIds, null, result.error);
  }
  return result;
}

async function main() {
  await init();
  const provider = new SourceMetadata();
  metaData.addProvider((type, imageId) => provider.get(type, imageId), 10000);
  await initRendering(provider);
  const manifest = await (await fetch('manifest.json')).json();
  const container = document.getElementById('cases');
  const results = [];
  for (const c of manifest.cases) {
    try {
      results.push(await runCase(c, provider, container));
    } catch (e) {
      results.push({ name: c.name, ok: false, error: 'page: ' + String(e && e.stack ? e.stack : e) });
    }
  }
  window.__viewer = { done: true, results };
}

main().catch((e) => { window.__viewer = { done: true, fatal: String(e && e.stack ? e.stack : e) }; });
