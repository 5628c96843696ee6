// The run's dashboard: fetches /api/run, then follows /events (server-sent events) and appends what changed.
// The page's own state is on <body>: data-steps (step lines drawn), data-episodes (those with a multi-turn task's
// episode figures) and data-updates (events received).
// ?updates=N stops following after N events: a page that settles, for screenshots and headless browsers.
(function () {
  'use strict';
  var CHARTS = [
    {title: 'Reward', series: [['reward_mean', 'reward', '#d04a4a']]},
    {title: 'Accuracy and format rate', series: [['accuracy', 'accuracy', '#4a7bd0'], ['format_rate', 'format', '#3a3']]},
    {title: 'KL to the reference', series: [['kl', 'KL', '#a4a']]},
    {title: 'Clip fractions', series: [['clip_fraction_low', 'low', '#c80'], ['clip_fraction_high', 'high', '#08c']]},
    {title: 'Response length (tokens)', series: [['response_length', 'length', '#555']]},
    {title: 'Groups per second', series: [['groups_per_second', 'groups/s', '#2a8']]},
    {title: 'Tokens per second', series: [['sampled_tokens_per_second', 'sampled', '#4a7bd0'],
      ['used_tokens_per_second', 'used', '#d04a4a']]},
    {title: 'Held-out pass@1', evals: true, series: [['pass1', 'pass@1', '#a60']]}
  ];
  // drawn once a step line carries episode figures: a multi-turn task's
  var EPISODES = {title: 'Per episode: turns, tool calls, tool errors', episodes: true,
    series: [['turns_per_episode', 'turns', '#555'], ['tool_calls_per_episode', 'tool calls', '#4a7bd0'],
      ['tool_errors_per_episode', 'tool errors', '#d04a4a']]};
  var steps = [];
  var evals = [];
  var staleness = {};
  var plots = [];
  var updates = 0;
  var limit = Number(new URLSearchParams(location.search).get('updates')) || 0;

  function withEpisodes() {
    return steps.filter(function (s) { return s.episodes; });
  }

  function columns(chart) {
    var rows = chart.evals ? evals.map(function (e) { return {step: e.step, pass1: e.eval.pass1}; })
      : chart.episodes ? withEpisodes().map(function (s) {
        return {step: s.step, turns_per_episode: s.episodes.turns_per_episode,
          tool_calls_per_episode: s.episodes.tool_calls_per_episode,
          tool_errors_per_episode: s.episodes.tool_errors_per_episode};
      }) : steps;
    var cols = [rows.map(function (r) { return r.step; })];
    chart.series.forEach(function (s) { cols.push(rows.map(function (r) { return r[s[0]]; })); });
    return cols;
  }

  function makeChart(chart) {
    var div = document.createElement('div');
    div.className = 'chart';
    document.getElementById('charts').appendChild(div);
    var series = [{label: 'step'}].concat(chart.series.map(function (s) {
      return {label: s[1], stroke: s[2], width: 1.5, points: {show: chart.evals}};
    }));
    var opts = {title: chart.title, width: 420, height: 200, series: series,
      scales: {x: {time: false}}, axes: [{label: 'step'}, {}]};
    plots.push(new uPlot(opts, columns(chart), div));
  }

  function makeCharts() {
    CHARTS.forEach(makeChart);
  }

  function redraw() {
    if (CHARTS.indexOf(EPISODES) < 0 && withEpisodes().length > 0) {
      CHARTS.push(EPISODES);
      makeChart(EPISODES);
    }
    plots.forEach(function (p, i) { p.setData(columns(CHARTS[i])); });
    var bars = document.getElementById('staleness');
    var max = 1;
    Object.keys(staleness).forEach(function (k) { max = Math.max(max, staleness[k]); });
    bars.innerHTML = '';
    Object.keys(staleness).sort(function (a, b) { return a - b; }).forEach(function (k) {
      var bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.height = (100 * staleness[k] / max) + 'px';
      bar.title = staleness[k] + ' completions ' + k + ' version(s) behind';
      bar.innerHTML = '<span>' + k + '</span>';
      bars.appendChild(bar);
    });
    document.body.dataset.steps = String(steps.length);
    document.body.dataset.episodes = String(withEpisodes().length);
    document.body.dataset.updates = String(updates);
  }

  function rows(id, list) {
    var body = document.querySelector('#' + id + ' tbody');
    body.innerHTML = list.map(function (cells) {
      return '<tr>' + cells.map(function (c) { return '<td>' + String(c).replace(/</g, '&lt;') + '</td>'; }).join('') + '</tr>';
    }).join('');
  }

  function fixed(x, n) { return typeof x === 'number' ? x.toFixed(n) : ''; }

  // a node's multi-turn episodes: how many, and their turns, tool calls and tool errors per episode
  function episodes(m) {
    if (!m.episodes) { return ''; }
    return m.episodes + ': ' + fixed(m.episode_turns / m.episodes, 2) + ' turns, ' +
      fixed(m.tool_calls / m.episodes, 2) + ' tools, ' + fixed(m.tool_errors / m.episodes, 2) + ' errors';
  }

  function apply(run) {
    if (run.after_step === -1) { steps = []; staleness = {}; }
    run.steps.forEach(function (s) {
      steps.push(s);
      Object.keys(s.staleness_histogram || {}).forEach(function (k) {
        staleness[k] = (staleness[k] || 0) + s.staleness_histogram[k];
      });
    });
    evals = run.evals;
    var r = run.run || {};
    document.getElementById('run').textContent = [r.task, r.mode, r.backend, r.group_size ? 'G=' + r.group_size : '',
      r.batch_groups ? r.batch_groups + ' groups/step' : '', run.source === 'files' ? run.node : run.node + ' ' + (run.roles || []).join(',')]
      .filter(Boolean).join(' · ');
    var warning = document.getElementById('warning');
    warning.hidden = !run.warning;
    warning.textContent = run.warning || '';
    rows('members', run.members.map(function (m) {
      var has = 'groups_sampled' in m;
      return [m.address, m.roles.join(', '), m.status, has ? m.groups_sampled : '', has ? m.sampled_tokens : '',
        has ? m.groups_scored : '', has ? m.reward_failures : '',
        has && m.rollout_version >= 0 ? m.rollout_version : '', episodes(m)];
    }));
    var d = run.dispatcher || {};
    rows('dispatcher', ['dispatched', 'used', 'dropped_stale', 'dropped_uniform', 'reissued', 'outstanding', 'lost',
      'quarantined', 'invalid'].filter(function (k) { return k in d; }).map(function (k) { return [k, d[k]]; }));
    rows('evals', evals.map(function (e) {
      return [e.step, fixed(e.run_seconds, 0), fixed(e.eval.pass1, 3), fixed(e.eval.cons_k, 3), fixed(e.eval.format_rate, 3), e.eval.prompts];
    }));
    redraw();
  }

  function status(text, cls) {
    var s = document.getElementById('status');
    s.textContent = text;
    s.className = 'status ' + cls;
  }

  function follow() {
    var source = new EventSource('/events');
    source.addEventListener('run', function (e) {
      updates++;
      var run = JSON.parse(e.data);
      apply(run);
      status(run.source === 'files' ? 'following files' : 'live', 'live');
      if (limit && updates >= limit) {
        source.close();
        status('stopped after ' + updates + ' updates', '');
      }
    });
    source.onerror = function () { status('reconnecting', 'down'); };
  }

  makeCharts();
  fetch('/api/run').then(function (r) { return r.json(); }).then(function (run) {
    apply(run);
    follow();
  }).catch(function () { status('no run', 'down'); follow(); });
}());
