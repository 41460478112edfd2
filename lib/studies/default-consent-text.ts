// The consent text a study gets unless the researcher writes their own. It must say what is
// collected and that location is never kept. Pure.
export const DEFAULT_CONSENT_TEXT = [
  "This study measures how differently phones see the same scene.",
  "",
  "If you take part, we collect: the photos you take for the study, what the image model running on your phone answered, how long it took, and details of your device (its model as reported by the browser and the photo, browser and operating system versions, graphics adapter, screen size and number of processor cores).",
  "",
  "We never keep your location: GPS and other location data are removed from every photo before it is stored. We do not collect your name, email or phone number; your device is known only by a random identifier.",
  "",
  "Taking part is voluntary. You can stop at any time and ask for your photos to be deleted from this device's settings.",
].join("\n");
