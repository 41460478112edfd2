// A terse way to write hand-made predictions in metric tests. Pure.
import type { CapturePrediction } from "../types";

/**
 * predict("c1", "s1", "A", 1) is capture c1 of scene s1 by device model A, top-1 class 1, top list
 * [1, 2]; options override the device (default "<model>-phone"), time (default 0) and top list.
 */
export function predict(
  captureId: string,
  sceneId: string,
  deviceModelKey: string,
  top1: number,
  options: { device?: string; at?: number; top?: number[] } = {},
): CapturePrediction {
  return {
    captureId,
    sceneId,
    deviceId: options.device ?? `${deviceModelKey}-phone`,
    deviceModelKey,
    capturedAt: options.at ?? 0,
    top1,
    topIndices: options.top ?? [top1, top1 + 1],
  };
}
