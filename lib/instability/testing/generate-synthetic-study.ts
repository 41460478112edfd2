// A seeded synthetic study for the SQL/pure agreement tests and the benchmark: scenes with or
// without ground truth, device models with two or more devices each, repeats (bursts on one device
// and captures from a second device), missing (scene, device model) cells, equal timestamps (so the
// capture-id tie-break matters), and optionally server reference predictions and compression-probe
// variants. Rows come in chunks so a million of them never sit in memory at once; the same options
// always give the same rows. Pure.
import { createSeededRandom, type SeededRandom } from "../seeded-random";

export type SyntheticStudyOptions = {
  seed: number;
  scenes: number;
  deviceModels: number;
  devicesPerModel?: number;
  /** Number of classes the model knows; a small number makes ties and collisions frequent. */
  classes?: number;
  /** Share of scenes with ground truth. */
  groundTruthShare?: number;
  /** Share of (scene, device model) cells with 2–3 captures; as many other cells of the scene get none, so every scene has exactly `deviceModels` captures. */
  repeatShare?: number;
  /** Share of (scene, device model) cells kept; below 1 makes a sparse study. */
  coverage?: number;
  /** Share of repeated captures stored with exactly the timestamp of the previous one. */
  equalTimeShare?: number;
  /** Share of hard scenes, where device models often disagree. */
  hardShare?: number;
  /** Share of captures that also have a server reference prediction. */
  referenceShare?: number;
  /** Compression-probe variants added to captures with a reference prediction. */
  probeVariants?: readonly string[];
  /** Share of predictions whose stored top list is shuffled, so it may not start with the top-1 (malformed data the metrics must still count exactly). */
  scrambledTopShare?: number;
  /** Share of top-list entries stored without a class index ("index": null, a missing entry of the top indices). */
  missingTopIndexShare?: number;
  /** Entries in each stored top list. */
  topSize?: number;
  /** Rows per chunk. */
  chunkSize?: number;
};

export type SyntheticModel = { id: string; sha256: string; labels: string[] };
export type SyntheticStudyRow = { id: string; name: string; code: string; modelId: string };
export type SyntheticScene = { id: string; studyId: string; key: string; label: string | null; labelIndex: number | null; position: number };
export type SyntheticDevice = {
  id: string;
  studyId: string;
  tokenHash: string;
  deviceModelKey: string;
  userAgent: string;
  /** The UA Client Hints platform; null where the browser sends none (Safari). */
  uaPlatform: string | null;
  captureMethod: string;
  backend: string;
};
export type SyntheticCapture = {
  id: string;
  studyId: string;
  clientCaptureId: string;
  sceneId: string;
  deviceId: string;
  deviceModelKey: string;
  captureMethod: string;
  createdAt: number;
};
export type SyntheticPrediction = {
  captureId: string;
  studyId: string;
  source: "device" | "reference";
  variant: string;
  backend: string;
  top: { index: number | null; label: string; prob: number }[];
  top1Index: number;
  top1Prob: number;
};
export type SyntheticChunk = { captures: SyntheticCapture[]; predictions: SyntheticPrediction[] };

export type SyntheticStudy = {
  model: SyntheticModel;
  study: SyntheticStudyRow;
  scenes: SyntheticScene[];
  devices: SyntheticDevice[];
  /** Captures and predictions, generated afresh (identically) on every call. */
  chunks(): Generator<SyntheticChunk>;
};

const BASE_TIME = Date.UTC(2026, 0, 5, 9, 0, 0);

function hex(random: SeededRandom, length: number): string {
  let out = "";
  while (out.length < length) out += Math.floor(random.next() * 4_294_967_296).toString(16).padStart(8, "0");
  return out.slice(0, length);
}

function uuidLike(random: SeededRandom): string {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function generateSyntheticStudy(options: SyntheticStudyOptions): SyntheticStudy {
  const devicesPerModel = options.devicesPerModel ?? 2;
  const classes = options.classes ?? 1000;
  const topSize = Math.min(options.topSize ?? 5, classes);
  const random = createSeededRandom(options.seed);
  const labels = Array.from({ length: classes }, (_, i) => `class ${String(i).padStart(4, "0")}`);
  const model: SyntheticModel = { id: uuidLike(random), sha256: hex(random, 64), labels };
  const study: SyntheticStudyRow = { id: uuidLike(random), name: `Synthetic study ${options.seed}`, code: `syn${hex(random, 10)}`, modelId: model.id };
  const scenes: SyntheticScene[] = Array.from({ length: options.scenes }, (_, position) => {
    const hasTruth = random.next() < (options.groundTruthShare ?? 0.8);
    const labelIndex = random.nextInt(classes);
    return {
      id: uuidLike(random),
      studyId: study.id,
      key: `scene-${String(position).padStart(6, "0")}`,
      label: hasTruth ? labels[labelIndex]! : null,
      labelIndex: hasTruth ? labelIndex : null,
      position,
    };
  });
  // The scene's hidden class, also for scenes whose ground truth is not stored.
  const sceneClass = scenes.map((scene) => scene.labelIndex ?? random.nextInt(classes));
  const deviceModelKeys = Array.from({ length: options.deviceModels }, (_, i) => `maker-${String.fromCharCode(97 + (i % 26))} phone ${String(i).padStart(3, "0")}`);
  const devices: SyntheticDevice[] = deviceModelKeys.flatMap((deviceModelKey) =>
    Array.from({ length: devicesPerModel }, () => ({
      id: uuidLike(random),
      studyId: study.id,
      tokenHash: hex(random, 64),
      deviceModelKey,
      userAgent: random.next() < 0.5 ? "Mozilla/5.0 (Linux; Android 14) Chrome/131.0" : "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1",
      uaPlatform: random.next() < 0.5 ? "Android" : "iOS",
      captureMethod: random.next() < 0.6 ? "native-camera" : "live-camera",
      backend: random.next() < 0.5 ? "webgpu" : "wasm",
    })),
  );
  const modelSkill = deviceModelKeys.map(() => 0.5 + random.next());
  const cellSeed = Math.floor(random.next() * 4_294_967_296);

  function* chunks(): Generator<SyntheticChunk> {
    const rng = createSeededRandom(cellSeed);
    const chunkSize = options.chunkSize ?? 20_000;
    const m = deviceModelKeys.length;
    let captures: SyntheticCapture[] = [];
    let predictions: SyntheticPrediction[] = [];
    const topOf = (label: number, alternatives: number[]) => {
      const indices = [label];
      for (const alternative of alternatives) if (indices.length < topSize && !indices.includes(alternative)) indices.push(alternative);
      while (indices.length < topSize) {
        const extra = rng.nextInt(classes);
        if (!indices.includes(extra)) indices.push(extra);
      }
      if (rng.next() < (options.scrambledTopShare ?? 0)) {
        for (let i = indices.length - 1; i > 0; i--) {
          const j = rng.nextInt(i + 1);
          [indices[i], indices[j]] = [indices[j]!, indices[i]!];
        }
      }
      let remaining = 0.3 + 0.65 * rng.next();
      return indices.map((index, i) => {
        const prob = i === 0 ? remaining : (1 - remaining) * 0.5 ** i;
        if (i === 0) remaining = 1 - remaining;
        const missing = options.missingTopIndexShare !== undefined && rng.next() < options.missingTopIndexShare;
        return { index: missing ? null : index, label: labels[index]!, prob: Math.round(prob * 1e6) / 1e6 };
      });
    };
    for (let s = 0; s < scenes.length; s++) {
      const scene = scenes[s]!;
      const truth = sceneClass[s]!;
      const alternatives = [truth, (truth + 1) % classes, (truth + 2) % classes, (truth + 3) % classes];
      const consensus = rng.next() < 0.2 ? alternatives[1]! : truth;
      const others = alternatives.filter((label) => label !== consensus);
      const hardness = rng.next() < (options.hardShare ?? 0.3) ? 0.05 + 0.4 * rng.next() : 0.003;
      // Captures per device model: 1, or 2–3 for repeats balanced by as many device models with none.
      const counts = new Array<number>(m).fill(1);
      let extra = 0;
      for (let i = 0; i < m; i++) {
        if (rng.next() < (options.repeatShare ?? 0.03)) {
          const more = rng.next() < 0.7 ? 1 : 2;
          counts[i] = 1 + more;
          extra += more;
        }
      }
      const singles = counts.flatMap((count, i) => (count === 1 ? [i] : []));
      for (let dropped = 0; dropped < extra && singles.length > 0; dropped++) {
        const pick = rng.nextInt(singles.length);
        counts[singles[pick]!] = 0;
        singles.splice(pick, 1);
      }
      const coverage = options.coverage ?? 1;
      if (coverage < 1) for (let i = 0; i < m; i++) if (rng.next() >= coverage) counts[i] = 0;
      let time = BASE_TIME + s * 60_000;
      for (let i = 0; i < m; i++) {
        const count = counts[i]!;
        let device = devices[i * devicesPerModel + rng.nextInt(devicesPerModel)]!;
        let previousLabel = -1;
        for (let c = 0; c < count; c++) {
          if (c > 0 && rng.next() < 0.25) device = devices[i * devicesPerModel + rng.nextInt(devicesPerModel)]!;
          if (!(c > 0 && rng.next() < (options.equalTimeShare ?? 0.3))) time += 1 + rng.nextInt(5000);
          const flips = rng.next() < Math.min(0.95, hardness * modelSkill[i]!);
          let label = flips ? others[rng.nextInt(others.length)]! : consensus;
          if (c > 0 && rng.next() < 0.5) label = previousLabel;
          previousLabel = label;
          const id = uuidLike(rng);
          captures.push({
            id,
            studyId: study.id,
            clientCaptureId: id,
            sceneId: scene.id,
            deviceId: device.id,
            deviceModelKey: device.deviceModelKey,
            captureMethod: device.captureMethod,
            createdAt: time,
          });
          const top = topOf(label, alternatives);
          predictions.push({ captureId: id, studyId: study.id, source: "device", variant: "original", backend: device.backend, top, top1Index: label, top1Prob: top[0]!.prob });
          if (rng.next() < (options.referenceShare ?? 0)) {
            // The reference sees the same bytes: it mostly agrees with the phone, but not always.
            const reference = rng.next() < 0.8 ? label : alternatives[rng.nextInt(alternatives.length)]!;
            const referenceTop = topOf(reference, alternatives);
            predictions.push({ captureId: id, studyId: study.id, source: "reference", variant: "original", backend: "cpu", top: referenceTop, top1Index: reference, top1Prob: referenceTop[0]!.prob });
            for (const variant of options.probeVariants ?? []) {
              const probed = rng.next() < 0.85 ? reference : alternatives[rng.nextInt(alternatives.length)]!;
              const probeTop = topOf(probed, alternatives);
              predictions.push({ captureId: id, studyId: study.id, source: "reference", variant, backend: "cpu", top: probeTop, top1Index: probed, top1Prob: probeTop[0]!.prob });
            }
          }
          if (captures.length >= chunkSize) {
            yield { captures, predictions };
            captures = [];
            predictions = [];
          }
        }
      }
    }
    if (captures.length > 0) yield { captures, predictions };
  }

  return { model, study, scenes, devices, chunks };
}
