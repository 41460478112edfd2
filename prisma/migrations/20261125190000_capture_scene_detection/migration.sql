-- Display mode: the QR scene detection record a phone sends with a capture (lib/display/scene-detection-summary.ts).
ALTER TABLE "Capture" ADD COLUMN "sceneDetection" JSONB;
