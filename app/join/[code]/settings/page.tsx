// /join/CODE/settings — this device's details, deletion request, forget this device.
import type { Metadata } from "next";
import { PhoneSettings } from "@/components/phone/phone-settings";

export const metadata: Metadata = { title: "Settings" };

export default function PhoneSettingsPage() {
  return <PhoneSettings />;
}
