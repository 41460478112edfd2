// Writes new identity evidence for a device inside the caller's transaction. When the device-model
// key changes, every capture of the device gets the new key in the same transaction, so grouping
// by Capture.deviceModelKey never disagrees with the device.
import type { Prisma } from "@/lib/db/generated/client";
import { diffDeviceIdentity, mergeDeviceIdentity, pickDeviceIdentity, type DeviceIdentity, type DeviceIdentityRow, type IdentityEvidence } from "./device-identity";

export async function updateDeviceIdentity(
  tx: Prisma.TransactionClient,
  device: DeviceIdentityRow & { id: string },
  evidence: IdentityEvidence,
): Promise<DeviceIdentity> {
  const before = pickDeviceIdentity(device);
  const after = mergeDeviceIdentity(before, evidence);
  const changes = diffDeviceIdentity(before, after);
  if (Object.keys(changes).length === 0) return after;
  await tx.device.update({ where: { id: device.id }, data: { ...changes, ...(evidence.info ? { info: evidence.info as object } : {}) } });
  if (changes.deviceModelKey !== undefined) {
    await tx.capture.updateMany({ where: { deviceId: device.id }, data: { deviceModelKey: after.deviceModelKey } });
  }
  return after;
}
