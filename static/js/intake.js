// Progressive enhancement for the pre-visit check; every part works without it.
"use strict";

// Tapping a place on the body map ticks its checkbox.
document.querySelectorAll(".region-picker").forEach((picker) => {
  picker.querySelectorAll("[data-region]").forEach((shape) => {
    shape.addEventListener("click", () => {
      const box = picker.querySelector(`input[value="${shape.dataset.region}"]`);
      if (box) {
        box.checked = !box.checked;
        box.focus();
      }
    });
  });
});

// Follow-up questions appear once their first question has the answer that needs them.
document.querySelectorAll("[data-gate]").forEach((block) => {
  const inputs = document.querySelectorAll(`input[name="${block.dataset.gate}"]`);
  const values = block.dataset.gateValues.split(" ");
  const update = () => {
    const chosen = Array.from(inputs).find((input) => input.checked);
    block.hidden = !(chosen && values.includes(chosen.value)) && !block.querySelector(".field-error");
  };
  inputs.forEach((input) => input.addEventListener("change", update));
  update();
});

// An answer on step 1 that means an emergency shows the 911 panel beside its question at once,
// in a live region that reads it out. Next still leads to the emergency screen, as without this.
document.querySelectorAll("[data-emergency-for]").forEach((panel) => {
  const inputs = document.querySelectorAll(`input[name="${panel.dataset.emergencyFor}"]`);
  const values = panel.dataset.emergencyValues.split(" ");
  const update = (event) => {
    const chosen = Array.from(inputs).find((input) => input.checked);
    panel.hidden = !(chosen && values.includes(chosen.value));
    if (event && !panel.hidden) {
      // On a phone the panel can open below the screen's edge: bring it into view (the
      // focus stays on the answer).
      panel.scrollIntoView({ block: "nearest" });
    }
  };
  inputs.forEach((input) => input.addEventListener("change", update));
  update();
});

// After a failed submit, move focus to the list of problems so it is read out first.
// (A "Change" link on the check-your-answers page needs no script: it leads to the question's
// input, which the browser focuses, and back to the step's group, which can take the focus.)
const summary = document.getElementById("error-summary");
if (summary) {
  summary.focus();
}
