// The workbench's one script. Everything works without it (forms post and redirect); with it,
// edits, labels and acceptances save in place and a job page follows its progress live.
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ?? "";

/** Replaces the page's main part and header with a fresh render of the same page. */
async function refreshPage() {
  const response = await fetch(location.pathname + location.search, { headers: { Accept: "text/html" } });
  if (!response.ok) return location.reload();
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const selector of ["main", "header.page-head"]) {
    const now = document.querySelector(selector);
    const next = fresh.querySelector(selector);
    if (now && next) now.replaceWith(document.adoptNode(next));
  }
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-inplace")) return;
  event.preventDefault();
  const status = form.querySelector(".form-status");
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json", "X-CSRF-Token": csrf },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
      if (status) status.textContent = body.error;
      return;
    }
    const focusId = form.closest("[id]")?.id;
    await refreshPage();
    if (focusId) document.getElementById(focusId)?.scrollIntoView({ block: "nearest" });
  } catch {
    if (status) status.textContent = "The workbench did not answer: is panelist serve still running?";
  } finally {
    if (button) button.disabled = false;
  }
});

// A job page: progress from the server's events, then on to the run.
const job = document.querySelector("[data-job-id]");
if (job) {
  const set = (selector, value) => {
    const element = job.querySelector(selector);
    if (element) element.textContent = String(value);
  };
  const events = new EventSource(`/api/jobs/${encodeURIComponent(job.getAttribute("data-job-id"))}/events`);
  events.addEventListener("progress", (message) => {
    const state = JSON.parse(message.data);
    const bar = job.querySelector("progress");
    if (bar) {
      bar.max = Math.max(1, state.progress.total);
      bar.value = state.progress.done + state.progress.failed;
    }
    set(".job-done", state.progress.done);
    set(".job-total", state.progress.total);
    set(".job-failed", state.progress.failed);
    set(".job-state", state.status);
  });
  events.addEventListener("end", (message) => {
    events.close();
    const state = JSON.parse(message.data);
    set(".job-state", state.status);
    if (state.status === "failed") {
      set(".job-link", state.error ?? "The job failed.");
      return;
    }
    if (state.runId) location.assign(`/runs/${encodeURIComponent(state.runId)}${state.focus ? `#${state.focus}` : ""}`);
  });
}
