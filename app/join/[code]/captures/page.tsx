// /join/CODE/captures — what this device sent and the server's reference answers.
import type { Metadata } from "next";
import { MyCaptures } from "@/components/phone/my-captures";

export const metadata: Metadata = { title: "My captures" };

export default function MyCapturesPage() {
  return <MyCaptures />;
}
