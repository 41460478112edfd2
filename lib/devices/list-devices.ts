// Reading devices: a study's devices for researchers (with how each was identified), and a
// device's own record for the device itself; a volunteer's deletion request.
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { PhoneStudy } from "@/lib/studies/study-schemas";
import { toPhoneStudy } from "@/lib/studies/study-views";
import type { DeviceView } from "./device-schemas";
import { toDeviceView } from "./device-views";

export async function listDevices(prisma: PrismaClient, studyId: string): Promise<DeviceView[]> {
  const study = await prisma.study.findUnique({ where: { id: studyId }, select: { id: true } });
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  const devices = await prisma.device.findMany({ where: { studyId }, orderBy: { createdAt: "asc" }, include: { _count: { select: { captures: true } } } });
  return devices.map(toDeviceView);
}

export async function getDevice(prisma: PrismaClient, deviceId: string): Promise<DeviceView> {
  const device = await prisma.device.findUnique({ where: { id: deviceId }, include: { _count: { select: { captures: true } } } });
  if (!device) throw new AppError("not_found", `No device with id ${deviceId}.`);
  return toDeviceView(device);
}

/** What GET /api/v1/devices/me answers: the device and its study as the phone needs it. */
export async function describeDeviceSelf(prisma: PrismaClient, deviceId: string): Promise<{ device: DeviceView; study: PhoneStudy }> {
  const device = await prisma.device.findUnique({ where: { id: deviceId }, include: { _count: { select: { captures: true } }, study: { include: { model: true } } } });
  if (!device) throw new AppError("not_found", "This device no longer exists.");
  await prisma.device.update({ where: { id: deviceId }, data: { lastSeenAt: new Date() } });
  return { device: toDeviceView(device), study: toPhoneStudy(device.study) };
}

/** The volunteer asks for their data to be deleted; the researcher sees and honours the request. */
export async function requestDeviceDeletion(prisma: PrismaClient, deviceId: string): Promise<DeviceView> {
  const device = await prisma.device.findUnique({ where: { id: deviceId } });
  if (!device) throw new AppError("not_found", "This device no longer exists.");
  const updated = await prisma.device.update({
    where: { id: deviceId },
    data: { deletionRequestedAt: device.deletionRequestedAt ?? new Date() },
    include: { _count: { select: { captures: true } } },
  });
  return toDeviceView(updated);
}
