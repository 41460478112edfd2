// Blanks location properties in an XMP packet in place (same byte length, so container offsets
// stay valid): exif:GPS*, DJI Gps*, IPTC/Photoshop city, state, country, location created/shown.
// Attributes and elements are overwritten with spaces, which leaves well-formed XML. Pure.

const LOCATION_NAMES = "GPS[A-Za-z0-9]*|Gps[A-Za-z0-9]*|Latitude|Longitude|City|State|Country|CountryCode|CountryName|ProvinceState|Sublocation|Location|LocationCreated|LocationShown|LocationName|WorldRegion";
const QNAME = `[A-Za-z_][\\w.-]*:(?:${LOCATION_NAMES})`;
const ATTRIBUTE = new RegExp(`(?<=\\s)${QNAME}\\s*=\\s*(?:"[^"]*"|'[^']*')`, "g");
const ELEMENT = new RegExp(`<(${QNAME})(?=[\\s/>])(?:[^>]*?/>|[^>]*>[\\s\\S]*?</\\1\\s*>)`, "g");

/** Returns whether anything was blanked. */
export function blankXmpLocation(buf: Uint8Array, start: number, end: number): boolean {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1");
  let changed = false;
  const blank = (match: string) => {
    changed = true;
    return " ".repeat(match.length);
  };
  const result = text.replace(ELEMENT, blank).replace(ATTRIBUTE, blank);
  if (changed) Buffer.from(buf.buffer, buf.byteOffset + start, end - start).write(result, "latin1");
  return changed;
}
