// One worker thread of simulateFleetRows: renders and classifies a range of scenes and sends the
// typed columns back (moved, not copied). Started by simulate-fleet-rows.ts, never imported.
import "server-only";
import { parentPort, workerData } from "node:worker_threads";
import { simulateSceneRange, type FleetRowsOptions } from "./simulate-fleet-rows";

const { options, from, to } = workerData as { options: FleetRowsOptions; from: number; to: number };
let reported = 0;
const rows = await simulateSceneRange(options, from, to, (scenes, captures) => {
  if (scenes - reported >= 100 || from + scenes === to) {
    reported = scenes;
    parentPort!.postMessage({ progress: [scenes, captures] });
  }
});
const columns = [rows.scene, rows.device, rows.shot, rows.createdAt, rows.topIndex, rows.topProb, rows.truth];
parentPort!.postMessage({ rows }, columns.map((column) => column.buffer as ArrayBuffer));
