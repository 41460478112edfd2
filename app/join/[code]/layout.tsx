// The volunteer's pages for one study (/join/CODE, …/captures, …/settings): the server renders the
// study's public description (the consent text) with the page, the client keeps the device
// session, outbox, uploads and model alive while the volunteer moves between the three screens.
// Served cross-origin isolated (next.config.js) so multi-threaded WebAssembly inference works.
import type { Metadata, Viewport } from "next";
import { AppError } from "@/lib/api/app-error";
import { getPrisma } from "@/lib/db/database";
import { getJoinPreview, type JoinPreview } from "@/lib/studies/get-join-preview";
import { PhoneProvider } from "@/components/phone/phone-provider";
import { PhoneShell } from "@/components/phone/phone-shell";
import { RegisterPhoneWorker } from "@/components/phone/register-phone-worker";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ code: string }>; children: React.ReactNode };

async function readPreview(code: string): Promise<JoinPreview | null> {
  try {
    return await getJoinPreview(await getPrisma(), code);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

export async function generateMetadata({ params }: Omit<Props, "children">): Promise<Metadata> {
  const preview = await readPreview((await params).code);
  return { title: preview ? preview.name : "Join a study" };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1, viewportFit: "cover", themeColor: "#2746d8" };

export default async function VolunteerLayout({ params, children }: Props) {
  const { code } = await params;
  const preview = await readPreview(code);
  return (
    <PhoneProvider code={code} preview={preview}>
      <RegisterPhoneWorker />
      <PhoneShell>{children}</PhoneShell>
    </PhoneProvider>
  );
}
