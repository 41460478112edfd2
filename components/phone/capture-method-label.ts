// How capture methods are named to volunteers.
const LABELS: Record<string, string> = { "native-camera": "Camera", "live-camera": "Live camera", gallery: "Gallery", simulated: "Simulated" };

export function captureMethodLabel(method: string): string {
  return LABELS[method] ?? method;
}
