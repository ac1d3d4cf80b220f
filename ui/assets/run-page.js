// The run page, live: recolours the graph, re-renders the Gantt and the task summary, and follows
// the selected task's logs, by polling the page's JSON endpoints until the run has closed.
(function () {
  'use strict';
  const root = document.querySelector('.run-page');
  if (!root || !window.weir) return;
  const runId = root.getAttribute('data-run-id');
  const taskId = root.getAttribute('data-task-id');
  const runUrl = '/api/runs/' + encodeURIComponent(runId) + (taskId ? '?task=' + encodeURIComponent(taskId) : '');
  const POLL_MS = 1500;
  let logsDone = false;

  function setStateClass(element, state) {
    for (const name of Array.from(element.classList)) if (name.indexOf('state-') === 0) element.classList.remove(name);
    element.classList.add('state-' + state);
  }

  function paintGraph(tasks) {
    const boxes = new Map();
    for (const node of document.querySelectorAll('#run-graph [data-task-id]')) boxes.set(node.getAttribute('data-task-id'), node);
    for (const task of tasks) {
      const node = boxes.get(task.id);
      if (!node) continue;
      setStateClass(node, task.state);
      if (task.instances !== undefined) {
        const count = node.querySelector('.count');
        if (count) count.textContent = ' \u00d7' + task.instances;
      }
    }
  }

  async function pollRun() {
    let live;
    try {
      live = await window.weir.getJson(runUrl);
    } catch {
      // A failed poll (server restarting) is tried again at the next tick.
      return true;
    }
    // The run answered for the first time: its tasks are known now, so draw the page again.
    if (root.getAttribute('data-starting') === 'true' && !live.starting) {
      window.location.reload();
      return false;
    }
    const status = document.getElementById('run-status');
    if (status) {
      status.textContent = live.status;
      setStateClass(status, live.status);
    }
    const ended = document.getElementById('run-ended');
    if (ended) ended.textContent = live.endedAt;
    paintGraph(live.tasks);
    const gantt = document.getElementById('gantt');
    if (gantt && typeof live.gantt === 'string') gantt.innerHTML = live.gantt;
    const summary = document.getElementById('task-summary');
    // Keep what the person is typing in the approval comment.
    const typing = summary && summary.contains(document.activeElement);
    if (summary && typeof live.summary === 'string' && !typing) summary.innerHTML = live.summary;
    root.setAttribute('data-open', live.open ? 'true' : 'false');
    return live.open || live.status === 'running' || live.status === 'queued';
  }

  async function pollLogs() {
    const pre = document.getElementById('task-logs');
    if (!pre || !taskId) return;
    const after = pre.getAttribute('data-after') || '';
    const url = '/api/runs/' + encodeURIComponent(runId) + '/logs?task=' + encodeURIComponent(taskId) + (after ? '&after=' + encodeURIComponent(after) : '');
    let data;
    try {
      data = await window.weir.getJson(url);
    } catch {
      return;
    }
    if (data.lines.length === 0) return;
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.appendChild(document.createTextNode(data.lines.map((line) => line.text + '\n').join('')));
    pre.setAttribute('data-after', data.lines[data.lines.length - 1].id);
    const empty = document.querySelector('.no-logs');
    if (empty) empty.remove();
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }

  async function loop() {
    const goesOn = await pollRun();
    await pollLogs();
    // One more log read after the run closed picks up the last lines written before it did.
    if (goesOn || !logsDone) {
      if (!goesOn) logsDone = true;
      setTimeout(loop, POLL_MS);
    }
  }

  setTimeout(loop, POLL_MS);
})();
