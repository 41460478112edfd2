// /lab/inference: run any registered model in this browser (WebGPU or WASM) on your own photos and
// see what ran, how long each step took and the tensor hash. Served cross-origin isolated
// (next.config.js) so multi-threaded WASM is available.
import type { Metadata } from "next";
import { SiteHeader } from "@/components/site-header";
import { getPrisma } from "@/lib/db/database";
import { listModels } from "@/lib/models/register-model";
import { InferenceLab } from "./inference-lab";

export const metadata: Metadata = { title: "Inference lab" };
export const dynamic = "force-dynamic";

export default async function InferenceLabPage() {
  const models = await listModels(await getPrisma());
  return (
    <>
      <SiteHeader />
      <main className="page stack">
        <h1>Inference lab</h1>
        <p className="muted">
          Runs a registered model in this browser with the same decoder and preprocessing as the phones and the server reference. Nothing is uploaded.
        </p>
        <InferenceLab models={models} />
      </main>
    </>
  );
}
