// Test support: a seeded set of display-mode cases (screen size, stimulus, scene key, camera and
// photo size) used by the detection accuracy test; the browser test can reuse it on screenshots.
import { createRandom, drawScreenPhotoOptions, type ScreenPhotoOptions } from "@/lib/display/testing/simulate-screen-photo";

export type ScreenPhotoCase = {
  index: number;
  screenWidth: number;
  screenHeight: number;
  stimulusWidth: number;
  stimulusHeight: number;
  studyCode: string;
  sceneKey: string;
  /** Corners whose codes are covered (a finger, a glare patch) before the photo is taken. */
  coveredCorners: (0 | 1 | 2 | 3)[];
  photo: ScreenPhotoOptions;
};

const SCREENS: [number, number][] = [
  [1920, 1080],
  [1280, 800],
  [2560, 1440],
  [1366, 768],
  [1080, 1920],
  [1440, 900],
];
const STIMULI: [number, number][] = [
  [640, 480],
  [512, 512],
  [480, 640],
  [800, 450],
  [600, 400],
  [300, 224],
];
// Phone photo sizes: 12 MP (both orientations), 8 MP and smaller; a quarter of the cases are 12 MP.
const PHOTOS: [number, number][] = [
  [4032, 3024],
  [2016, 1512],
  [1600, 1200],
  [3264, 2448],
  [3024, 4032],
  [1920, 1440],
  [2016, 1512],
  [1280, 960],
];
const KEYS = ["s01", "scene-017", "cat_0042", "Stimulus 7", "img-2024-05-11-beach", "a/b:c%d", "ÜberBlick-3", "very-long-scene-key-for-a-stimulus-number-000123"];

export function buildScreenPhotoCases(count: number, seed = 1): ScreenPhotoCase[] {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const [screenWidth, screenHeight] = SCREENS[index % SCREENS.length]!;
    const [stimulusWidth, stimulusHeight] = pick(STIMULI);
    const [photoWidth, photoHeight] = PHOTOS[index % PHOTOS.length]!;
    // Every fourth case covers one to three of the four codes (partial views).
    const covered = index % 4 === 3 ? 1 + (Math.floor(index / 4) % 3) : 0;
    const start = Math.floor(random() * 4);
    const coveredCorners = Array.from({ length: covered }, (_, k) => ((start + k) % 4) as 0 | 1 | 2 | 3);
    return {
      index,
      coveredCorners,
      screenWidth,
      screenHeight,
      stimulusWidth,
      stimulusHeight,
      studyCode: pick(["K7F3QZ", "demo", "A1B2C3D4"]),
      sceneKey: pick(KEYS),
      photo: drawScreenPhotoOptions(seed * 1000 + index, photoWidth, photoHeight),
    };
  });
}
