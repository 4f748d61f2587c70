// Sign-up: send the browser's time zone along, so times are shown in the person's own zone from the start.
document.querySelectorAll("input[data-detect-timezone]").forEach((input) => {
  try {
    input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    input.value = "";
  }
});
