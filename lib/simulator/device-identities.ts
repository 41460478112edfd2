// Realistic phone identities for the fleet simulator: what a real phone of each kind tells a web
// page and writes into its photos — User-Agent, UA Client Hints (Chromium browsers only; Safari
// has none), EXIF Make/Model/Software, screen and core count. Values follow the formats real
// browsers and camera apps use (reduced Android UA "Linux; Android 10; K", Samsung Internet's own
// UA, iOS Safari's "CPU iPhone OS 17_5 like Mac OS X"). Pure data.

export type Browser = "Safari" | "Chrome" | "Samsung Internet";

export type ClientHintsBrand = { brand: string; version: string };

/** The high-entropy UA Client Hints a Chromium browser reports (CDP's userAgentMetadata shape). */
export type ClientHints = {
  brands: ClientHintsBrand[];
  fullVersionList: ClientHintsBrand[];
  mobile: boolean;
  platform: string;
  platformVersion: string;
  architecture: string;
  bitness: string;
  model: string;
};

export type DeviceIdentity = {
  make: string;
  /** The model as the phone names itself (EXIF Model, UA-CH model). */
  model: string;
  marketingName: string;
  os: "iOS" | "Android";
  osVersion: string;
  browser: Browser;
  browserVersion: string;
  userAgent: string;
  /** null for Safari, which implements no UA Client Hints. */
  clientHints: ClientHints | null;
  exif: { make: string; model: string; software: string };
  screen: { width: number; height: number; devicePixelRatio: number };
  hardwareConcurrency: number;
  /** The camera's native photo size (the simulator renders a scaled-down photo of the same aspect). */
  nominalPhotoSize: { width: number; height: number };
};

type CatalogueEntry = {
  make: string;
  model: string;
  marketingName: string;
  os: "iOS" | "Android";
  osVersion: string;
  browser: Browser;
  browserVersion: string;
  software: string;
  screen: [number, number, number];
  cores: number;
  photo: [number, number];
};

/** Real phone models; the simulator draws its device models from this list without repeats. */
const CATALOGUE: readonly CatalogueEntry[] = [
  { make: "Apple", model: "iPhone 15 Pro", marketingName: "iPhone 15 Pro", os: "iOS", osVersion: "17.5.1", browser: "Safari", browserVersion: "17.5", software: "17.5.1", screen: [393, 852, 3], cores: 4, photo: [4032, 3024] },
  { make: "Apple", model: "iPhone 14", marketingName: "iPhone 14", os: "iOS", osVersion: "17.4.1", browser: "Safari", browserVersion: "17.4.1", software: "17.4.1", screen: [390, 844, 3], cores: 4, photo: [4032, 3024] },
  { make: "Apple", model: "iPhone 13 mini", marketingName: "iPhone 13 mini", os: "iOS", osVersion: "16.7.8", browser: "Safari", browserVersion: "16.6", software: "16.7.8", screen: [375, 812, 3], cores: 4, photo: [4032, 3024] },
  { make: "Apple", model: "iPhone SE (3rd generation)", marketingName: "iPhone SE (3rd generation)", os: "iOS", osVersion: "17.2", browser: "Safari", browserVersion: "17.2", software: "17.2", screen: [375, 667, 2], cores: 4, photo: [4032, 3024] },
  { make: "Apple", model: "iPhone 12", marketingName: "iPhone 12", os: "iOS", osVersion: "16.6", browser: "Safari", browserVersion: "16.6", software: "16.6", screen: [390, 844, 3], cores: 4, photo: [4032, 3024] },
  { make: "Apple", model: "iPhone 11", marketingName: "iPhone 11", os: "iOS", osVersion: "17.1.2", browser: "Safari", browserVersion: "17.1.2", software: "17.1.2", screen: [414, 896, 2], cores: 4, photo: [4032, 3024] },
  { make: "Google", model: "Pixel 8", marketingName: "Pixel 8", os: "Android", osVersion: "14", browser: "Chrome", browserVersion: "125.0.6422.165", software: "HDR+ 1.0.629191786zd", screen: [412, 915, 2.625], cores: 9, photo: [4080, 3072] },
  { make: "Google", model: "Pixel 7a", marketingName: "Pixel 7a", os: "Android", osVersion: "14", browser: "Chrome", browserVersion: "124.0.6367.179", software: "HDR+ 1.0.612441421zd", screen: [412, 915, 2.625], cores: 8, photo: [4080, 3072] },
  { make: "Google", model: "Pixel 6", marketingName: "Pixel 6", os: "Android", osVersion: "13", browser: "Chrome", browserVersion: "123.0.6312.99", software: "HDR+ 1.0.540104767zd", screen: [412, 915, 2.625], cores: 8, photo: [4080, 3072] },
  { make: "Google", model: "Pixel 5", marketingName: "Pixel 5", os: "Android", osVersion: "13", browser: "Chrome", browserVersion: "122.0.6261.119", software: "HDR+ 1.0.472077431zd", screen: [393, 851, 2.75], cores: 8, photo: [4032, 3024] },
  { make: "samsung", model: "SM-S911B", marketingName: "Galaxy S23", os: "Android", osVersion: "14", browser: "Samsung Internet", browserVersion: "24.0", software: "S911BXXS3BXB6", screen: [360, 780, 3], cores: 8, photo: [4000, 3000] },
  { make: "samsung", model: "SM-S928B", marketingName: "Galaxy S24 Ultra", os: "Android", osVersion: "14", browser: "Chrome", browserVersion: "125.0.6422.147", software: "S928BXXU1AXCA", screen: [384, 824, 3.75], cores: 8, photo: [4000, 3000] },
  { make: "samsung", model: "SM-A546B", marketingName: "Galaxy A54 5G", os: "Android", osVersion: "14", browser: "Chrome", browserVersion: "124.0.6367.113", software: "A546BXXS6BXA1", screen: [384, 854, 2.8125], cores: 8, photo: [4080, 3060] },
  { make: "samsung", model: "SM-G991B", marketingName: "Galaxy S21 5G", os: "Android", osVersion: "13", browser: "Chrome", browserVersion: "121.0.6167.178", software: "G991BXXSAFWK3", screen: [360, 800, 3], cores: 8, photo: [4000, 3000] },
  { make: "samsung", model: "SM-A145F", marketingName: "Galaxy A14", os: "Android", osVersion: "13", browser: "Samsung Internet", browserVersion: "23.0", software: "A145FXXU2AWJ1", screen: [360, 800, 2.25], cores: 8, photo: [4080, 3060] },
  { make: "Xiaomi", model: "2201117TG", marketingName: "Redmi Note 11", os: "Android", osVersion: "13", browser: "Chrome", browserVersion: "124.0.6367.82", software: "MIUI 14.0.3", screen: [393, 873, 2.75], cores: 8, photo: [4000, 3000] },
  { make: "OnePlus", model: "CPH2449", marketingName: "OnePlus 11 5G", os: "Android", osVersion: "14", browser: "Chrome", browserVersion: "125.0.6422.113", software: "CPH2449_14.0.0.600(EX01)", screen: [412, 919, 3.5], cores: 8, photo: [4096, 3072] },
  { make: "motorola", model: "moto g54 5G", marketingName: "moto g54 5G", os: "Android", osVersion: "14", browser: "Chrome", browserVersion: "123.0.6312.118", software: "U1TDS34.94-12-7", screen: [412, 915, 2.625], cores: 8, photo: [4080, 3072] },
  { make: "Sony", model: "XQ-DQ54", marketingName: "Xperia 1 V", os: "Android", osVersion: "14", browser: "Chrome", browserVersion: "124.0.6367.171", software: "67.1.A.2.112", screen: [384, 960, 4.5], cores: 8, photo: [4032, 3024] },
  { make: "Nothing", model: "A065", marketingName: "Phone (2)", os: "Android", osVersion: "14", browser: "Chrome", browserVersion: "125.0.6422.53", software: "Pong-U2.6-240426-1918", screen: [412, 915, 2.625], cores: 8, photo: [4096, 3072] },
];

export const IDENTITY_CATALOGUE_SIZE = CATALOGUE.length;

const GREASE: ClientHintsBrand = { brand: "Not/A)Brand", version: "8" };

function majorOf(version: string): string {
  return version.split(".")[0] ?? version;
}

function buildUserAgent(entry: CatalogueEntry, model: string): string {
  if (entry.os === "iOS") {
    const osToken = entry.osVersion.replaceAll(".", "_");
    return `Mozilla/5.0 (iPhone; CPU iPhone OS ${osToken} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${entry.browserVersion} Mobile/15E148 Safari/604.1`;
  }
  const chromeMajor = majorOf(entry.browserVersion);
  if (entry.browser === "Samsung Internet") {
    // Samsung Internet still sends the real model in its User-Agent, with its own Chromium base.
    const chromiumBase = Number(majorOf(entry.browserVersion)) >= 24 ? "117" : "115";
    return `Mozilla/5.0 (Linux; Android ${entry.osVersion}; SAMSUNG ${model}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${entry.browserVersion} Chrome/${chromiumBase}.0.0.0 Mobile Safari/537.36`;
  }
  // Chrome on Android sends the reduced User-Agent: the model only reaches the server through UA-CH.
  return `Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chromeMajor}.0.0.0 Mobile Safari/537.36`;
}

function buildClientHints(entry: CatalogueEntry, model: string): ClientHints | null {
  if (entry.browser === "Safari") return null;
  const major = majorOf(entry.browserVersion);
  const chromium = entry.browser === "Samsung Internet" ? (Number(major) >= 24 ? "117" : "115") : major;
  const product = entry.browser === "Chrome" ? "Google Chrome" : "Samsung Internet";
  const brands = [
    { brand: product, version: major },
    { brand: "Chromium", version: chromium },
    GREASE,
  ];
  const fullVersionList = [
    { brand: product, version: entry.browserVersion },
    { brand: "Chromium", version: entry.browser === "Chrome" ? entry.browserVersion : `${chromium}.0.0.0` },
    { brand: GREASE.brand, version: "8.0.0.0" },
  ];
  return {
    brands,
    fullVersionList,
    mobile: true,
    platform: "Android",
    platformVersion: `${entry.osVersion}.0.0`,
    architecture: "",
    bitness: "",
    model,
  };
}

/**
 * The identity at position `index` of the catalogue. Beyond the catalogue's size, identities repeat
 * with an explicit " (virtual N)" suffix on the model so that each virtual device model stays a
 * distinct device model on the server; such models are obviously not real phones.
 */
export function describeDeviceIdentity(index: number): DeviceIdentity {
  const entry = CATALOGUE[index % CATALOGUE.length]!;
  const round = Math.floor(index / CATALOGUE.length);
  const model = round === 0 ? entry.model : `${entry.model} (virtual ${round + 1})`;
  return {
    make: entry.make,
    model,
    marketingName: round === 0 ? entry.marketingName : `${entry.marketingName} (virtual ${round + 1})`,
    os: entry.os,
    osVersion: entry.osVersion,
    browser: entry.browser,
    browserVersion: entry.browserVersion,
    userAgent: buildUserAgent(entry, model),
    clientHints: buildClientHints(entry, model),
    exif: { make: entry.make, model, software: entry.software },
    screen: { width: entry.screen[0], height: entry.screen[1], devicePixelRatio: entry.screen[2] },
    hardwareConcurrency: entry.cores,
    nominalPhotoSize: { width: entry.photo[0], height: entry.photo[1] },
  };
}
