// Draws one of the core's SVG charts onto a canvas and encodes it as PNG, in the window (the
// core renders SVG only). The SVG is ours, passed as a data: URL, so the canvas stays clean.

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const img = new Image();
  img.src = svgDataUrl(svg);
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round((img.naturalWidth || 960) * scale);
  canvas.height = Math.round((img.naturalHeight || 540) * scale);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw { code: "internal", message: "this window cannot draw a PNG (no 2D canvas); export the SVG instead" };
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw { code: "internal", message: "the chart could not be encoded as PNG; export the SVG instead" };
  return new Uint8Array(await blob.arrayBuffer());
}
