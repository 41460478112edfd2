// The join QR code as an SVG string, rendered on the server (no script on the page): black
// modules on white, a quiet zone of four modules, error correction M (survives a crease or a
// glare spot on a printed poster). It scales to any size with the viewBox.
import "server-only";
import QRCode from "qrcode";

export async function renderJoinQrSvg(url: string, options: { title?: string } = {}): Promise<string> {
  const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 4, color: { dark: "#000000", light: "#ffffff" } });
  // Accessible name for the image; the SVG has no width/height so CSS decides its size.
  const title = (options.title ?? `QR code: ${url}`).replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return svg.replace(/^<svg /, `<svg role="img" aria-label="${title}" `).replace(/ width="\d+" height="\d+"/, "");
}
