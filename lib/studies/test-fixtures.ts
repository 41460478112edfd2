// Rows that database tests of studies, devices and captures need: a registered model.
import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";
import { presetWithSize } from "@/lib/inference/preprocess";

export async function insertTestModel(prisma: PrismaClient, options: { name?: string; labels?: string[]; isBuiltin?: boolean } = {}) {
  const labels = options.labels ?? ["red", "green", "blue"];
  const name = options.name ?? "test model";
  const sha256 = createHash("sha256").update(`${name}:${labels.join(",")}:${Math.random()}`).digest("hex");
  return prisma.model.create({
    data: {
      name,
      sha256,
      blobKey: sha256,
      sizeBytes: 1234,
      inputName: "input",
      outputName: "output",
      layout: "NCHW",
      inputWidth: 32,
      inputHeight: 32,
      preprocessing: presetWithSize("imagenet", 32, 32),
      labels,
      numClasses: labels.length,
      topK: 3,
      isBuiltin: options.isBuiltin ?? true,
    },
  });
}
