// The live camera (captureMethod "live-camera"): getUserMedia with the back camera at the highest
// resolution it offers, a photo through ImageCapture.takePhoto() where the browser has it (the
// camera's own still pipeline and JPEG encoder), else a grab of one full-resolution video frame
// encoded once as a high-quality JPEG. Bursts take several shots a fixed interval apart.
import "client-only";

export type LiveShot = { blob: Blob; via: "take-photo" | "frame-grab"; /** When the shot was triggered. */ takenAt: Date; width?: number; height?: number };

type ImageCaptureLike = { takePhoto(settings?: Record<string, unknown>): Promise<Blob> };
type ImageCaptureConstructor = new (track: MediaStreamTrack) => ImageCaptureLike;

export const FRAME_GRAB_JPEG_QUALITY = 0.95;

export async function openLiveCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error("This browser cannot open the camera from a web page.");
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: "environment" }, width: { ideal: 4096 }, height: { ideal: 3072 } },
  });
}

export function stopLiveCamera(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

async function grabFrame(video: HTMLVideoElement, takenAt: Date): Promise<LiveShot> {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (!width || !height) throw new Error("The camera has not delivered a picture yet.");
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("This browser cannot read camera frames.");
  context.drawImage(video, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/jpeg", FRAME_GRAB_JPEG_QUALITY));
  if (!blob) throw new Error("The camera frame could not be saved.");
  return { blob, via: "frame-grab", takenAt, width, height };
}

/** One photo from the open camera: ImageCapture.takePhoto when it works, else a frame grab. */
export async function takeLivePhoto(stream: MediaStream, video: HTMLVideoElement): Promise<LiveShot> {
  const takenAt = new Date();
  const track = stream.getVideoTracks()[0];
  if (!track || track.readyState !== "live") throw new Error("The camera is not running.");
  const ImageCaptureClass = (globalThis as { ImageCapture?: ImageCaptureConstructor }).ImageCapture;
  if (ImageCaptureClass) {
    try {
      const blob = await new ImageCaptureClass(track).takePhoto();
      if (blob.size > 0) return { blob, via: "take-photo", takenAt };
    } catch {
      // Some cameras refuse takePhoto (or time out); the frame grab still gives a photo.
    }
  }
  return grabFrame(video, takenAt);
}

/** `count` shots `intervalMs` apart (measured from the start of each), reported as they are taken. */
export async function takeBurst(
  stream: MediaStream,
  video: HTMLVideoElement,
  options: { count: number; intervalMs: number; onShot: (shot: LiveShot, index: number) => void | Promise<void>; signal?: AbortSignal },
): Promise<void> {
  for (let index = 0; index < options.count; index++) {
    if (options.signal?.aborted) return;
    const started = performance.now();
    const shot = await takeLivePhoto(stream, video);
    await options.onShot(shot, index);
    if (index < options.count - 1) {
      const wait = Math.max(0, options.intervalMs - (performance.now() - started));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
