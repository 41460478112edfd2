// /join/CODE — the page a study's QR code opens: consent, then taking photos.
import { CaptureScreen } from "@/components/phone/capture-screen";

export default function CapturePage() {
  return <CaptureScreen />;
}
