/*
 * The Postbox console page. Plain ES5 and XMLHttpRequest on purpose: no build step, and it runs in HtmlUnit (the
 * automated tests) as well as in any browser. Every value is inserted with textContent or setAttribute, never as
 * markup, so keys, payloads and error messages from messages cannot inject anything. Changes (POST) carry the
 * session's token in a header, which a cross-site form cannot send.
 */
(function () {
  'use strict';

  var session = null;
  var timer = null;
  var inboxCursor = null;
  var outboxCursor = null;

  function $(id) { return document.getElementById(id); }

  function clear(element) {
    while (element.firstChild) { element.removeChild(element.firstChild); }
  }

  function request(method, url, onDone) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader('Accept', 'application/json');
    if (method !== 'GET' && session) { xhr.setRequestHeader(session.tokenHeader, session.token); }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var body = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { body = xhr.responseText; }
      onDone(xhr.status, body);
    };
    xhr.send(null);
  }

  function query(params) {
    var parts = [];
    for (var k in params) {
      if (params.hasOwnProperty(k) && params[k] !== null && params[k] !== undefined && params[k] !== '') {
        parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(params[k]));
      }
    }
    return parts.length ? '?' + parts.join('&') : '';
  }

  function detail(status, body) {
    return '(' + status + ')' + (body && body.detail ? ': ' + body.detail : '');
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function statusCell(row, status) {
    var td = document.createElement('td');
    var span = document.createElement('span');
    span.className = 'status status-' + String(status).replace(/[^A-Z_]/g, '');
    span.textContent = status;
    td.appendChild(span);
    row.appendChild(td);
  }

  function time(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleTimeString();
  }

  function message(text, isError) {
    var m = $('message');
    m.textContent = text;
    m.className = isError ? 'error' : '';
  }

  function replayButton(label, url, what) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'replay';
    button.textContent = label;
    button.onclick = function () {
      button.disabled = true;
      request('POST', url, function (status, body) {
        if (status >= 200 && status < 300) {
          message('Replay requested for ' + what + '.', false);
        } else {
          message('Replay of ' + what + ' failed ' + detail(status, body), true);
          button.disabled = false;
        }
        refresh();
      });
    };
    return button;
  }

  function historyCell(row, history) {
    var td = document.createElement('td');
    if (history && history.length) {
      var details = document.createElement('details');
      var summary = document.createElement('summary');
      summary.textContent = history.length + ' attempt' + (history.length > 1 ? 's' : '');
      details.appendChild(summary);
      var list = document.createElement('ol');
      for (var i = 0; i < history.length; i++) {
        var a = history[i];
        var li = document.createElement('li');
        li.textContent = time(a.startedAt) + ' ' + a.outcome + (a.error ? ': ' + a.error : '');
        list.appendChild(li);
      }
      details.appendChild(list);
      td.appendChild(details);
    }
    row.appendChild(td);
  }

  function renderInbox(page, append) {
    var tbody = $('inbox-table').getElementsByTagName('tbody')[0];
    if (!append) { clear(tbody); }
    var records = page.items;
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      var tr = document.createElement('tr');
      tr.setAttribute('data-id', r.id);
      tr.setAttribute('data-scope', r.scope);
      tr.setAttribute('data-status', r.status);
      cell(tr, time(r.createdAt));
      cell(tr, r.scope);
      cell(tr, r.key, 'key');
      statusCell(tr, r.status);
      cell(tr, r.attempts + ' / ' + r.maxAttempts);
      cell(tr, r.status === 'FAILED' || r.status === 'RECEIVED' ? time(r.nextAttemptAt) : '');
      cell(tr, r.lastError, 'error');
      historyCell(tr, r.history);
      var action = document.createElement('td');
      if (r.status === 'DEAD') {
        action.appendChild(replayButton('Replay', 'api/inbox/' + encodeURIComponent(r.id) + '/replay',
          'inbox record ' + r.scope + '/' + r.key));
      }
      tr.appendChild(action);
      tbody.appendChild(tr);
    }
    inboxCursor = page.nextCursor;
    $('inbox-more').hidden = !inboxCursor;
    var shown = tbody.getElementsByTagName('tr').length;
    $('inbox-count').textContent = shown + ' record' + (shown === 1 ? '' : 's') + (inboxCursor ? ' (more below)' : '');
  }

  function renderOutbox(page, append) {
    var tbody = $('outbox-table').getElementsByTagName('tbody')[0];
    if (!append) { clear(tbody); }
    var rows = page.items;
    for (var i = 0; i < rows.length; i++) {
      var e = rows[i];
      var tr = document.createElement('tr');
      tr.setAttribute('data-id', e.id);
      tr.setAttribute('data-type', e.type);
      tr.setAttribute('data-status', e.status);
      cell(tr, time(e.timestamp));
      cell(tr, e.aggregateType + '/' + e.aggregateId, 'mono');
      cell(tr, e.type);
      statusCell(tr, e.status);
      cell(tr, e.consumer ? e.consumer + ': ' + e.consumerStatus + ' (' + e.consumerAttempts + ' attempt'
        + (e.consumerAttempts === 1 ? '' : 's') + ')' : '');
      cell(tr, e.relayAttempts);
      cell(tr, e.relayError || e.consumerError, 'error');
      cell(tr, e.payload, 'payload');
      var action = document.createElement('td');
      if (e.status === 'PARKED') {
        var button = replayButton('Replay', 'api/relay/parked/' + encodeURIComponent(e.id) + '/replay',
          'parked event ' + e.type + ' ' + e.id);
        if (e.replayRequestedAt) { button.disabled = true; button.textContent = 'Replay requested'; }
        action.appendChild(button);
      }
      tr.appendChild(action);
      tbody.appendChild(tr);
    }
    outboxCursor = page.nextCursor;
    $('outbox-more').hidden = !outboxCursor;
    var shown = tbody.getElementsByTagName('tr').length;
    $('outbox-count').textContent = shown + ' event' + (shown === 1 ? '' : 's') + (outboxCursor ? ' (more below)' : '');
  }

  function fillScopes(select, scopes) {
    var chosen = select.value;
    var present = {};
    for (var i = 1; i < select.options.length; i++) { present[select.options[i].value] = true; }
    for (var j = 0; j < scopes.length; j++) {
      if (!present[scopes[j]]) {
        var option = document.createElement('option');
        option.value = scopes[j];
        option.textContent = scopes[j];
        select.appendChild(option);
      }
    }
    select.value = chosen;
  }

  // what the relay's lag is called on this database: PostgreSQL's replication slot, MariaDB's binlog (no slot);
  // known from the summary, which may arrive after the relay's figures: those are drawn again then
  var lagName = 'slot lag', lastRelay = null, lastRelayHistory = null;

  function renderSummary(summary) {
    if (summary.database) {
      lagName = summary.database.name === 'MariaDB' ? 'binlog lag' : 'slot lag';
      $('relay-lag-caption').textContent = (summary.database.name === 'MariaDB' ? 'Binlog lag' : 'Slot lag')
        + ' (bytes)';
      $('relay-lag-caption').title = summary.database.name + ': ' + summary.database.relayLag;
      if (lastRelay) { renderRelay(lastRelay); }
      if (lastRelayHistory) { renderRelayHistory(lastRelayHistory); }
    }
    var scopes = [], total = 0, dead = 0, failed = 0;
    for (var scope in summary.inbox) {
      if (summary.inbox.hasOwnProperty(scope)) {
        scopes.push(scope);
        var s = summary.inbox[scope];
        for (var status in s) { if (s.hasOwnProperty(status)) { total += s[status]; } }
        dead += s.DEAD || 0;
        failed += s.FAILED || 0;
      }
    }
    fillScopes($('inbox-scope'), scopes);
    fillScopes($('bulk-scope'), scopes);
    $('sum-inbox').textContent = total;
    $('sum-inbox-detail').textContent = scopes.length + ' scope' + (scopes.length === 1 ? '' : 's') + ', '
      + failed + ' waiting for a retry, ' + dead + ' dead'
      + (summary.completedCountedAt ? ' (completed counted at ' + time(summary.completedCountedAt) + ')' : '');
    var o = summary.outbox;
    $('sum-outbox').textContent = o.events;
    $('sum-outbox-detail').textContent = o.PARKED + ' parked, ' + o.WAITING + ' waiting behind them';
    $('sum-attention').textContent = dead + ' / ' + (o.PARKED + o.WAITING);
  }

  function renderRelay(relay) {
    lastRelay = relay;
    $('relay-state').textContent = relay.state;
    if (relay.state === 'ABSENT') {
      $('relay-detail').textContent = 'no outbox relay in this application';
      return;
    }
    $('relay-detail').textContent = relay.eventsRelayed + ' relayed, ' + relay.retries + ' retries, '
      + relay.deadLetters + ' in dead letters, ' + lagName + ' '
      + (relay.slotLagBytes === null || relay.slotLagBytes < 0 ? 'unknown' : relay.slotLagBytes + ' bytes')
      + (relay.sinkOutage ? ' - SINK OUTAGE' : '');
  }

  // ---------------------------------------------------------------- charts (inline SVG, no library)

  var SVG_NS = 'http://www.w3.org/2000/svg';

  function svg(name, attributes) {
    var element = document.createElementNS(SVG_NS, name);
    for (var k in attributes) {
      if (attributes.hasOwnProperty(k)) { element.setAttribute(k, String(attributes[k])); }
    }
    return element;
  }

  /** An SVG image whose title and aria-label say in words what it draws (read by screen readers and tests). */
  function chart(width, height, className, label) {
    var image = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'class': className, 'aria-label': label });
    var title = svg('title', {});
    title.textContent = label;
    image.appendChild(title);
    return image;
  }

  function total(values) {
    var t = 0;
    for (var i = 0; i < values.length; i++) { t += values[i]; }
    return t;
  }

  function most(values) {
    var m = 0;
    for (var i = 0; i < values.length; i++) { if (values[i] > m) { m = values[i]; } }
    return m;
  }

  /** One bar per minute, oldest left; the words: the hour's total, the busiest minute, the current minute. */
  function sparkline(scope, series, values) {
    var width = 150, height = 30, max = most(values);
    var label = scope + ' ' + series + ' per minute, last ' + values.length + ' minutes: ' + total(values)
      + ' in all, at most ' + max + ' in a minute, ' + (values.length ? values[values.length - 1] : 0)
      + ' this minute';
    var image = chart(width, height, 'spark ' + series, label);
    image.setAttribute('data-series', series);
    image.setAttribute('data-total', String(total(values)));
    image.appendChild(svg('line', { 'class': 'base', x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5 }));
    var step = width / Math.max(1, values.length);
    for (var i = 0; i < values.length; i++) {
      if (values[i] > 0) {
        var h = Math.max(1, Math.round(values[i] / max * (height - 2)));
        image.appendChild(svg('rect', { x: (i * step).toFixed(2), y: height - h, width: Math.max(1, step - 0.6).toFixed(2),
          height: h }));
      }
    }
    return image;
  }

  function renderActivity(activity) {
    var tbody = $('activity-table').getElementsByTagName('tbody')[0];
    clear(tbody);
    var series = [['deliveries', 'deliveries'], ['duplicates', 'duplicates'], ['retries', 'retries'],
      ['failures', 'failures']];
    for (var i = 0; i < activity.scopes.length; i++) {
      var s = activity.scopes[i];
      var tr = document.createElement('tr');
      tr.setAttribute('data-scope', s.name);
      cell(tr, s.name, 'mono');
      for (var j = 0; j < series.length; j++) {
        var values = s[series[j][0]] || [];
        var td = document.createElement('td');
        td.appendChild(sparkline(s.name, series[j][1], values));
        var figure = document.createElement('span');
        figure.className = 'figure-text';
        figure.textContent = total(values) + ' in the hour';
        td.appendChild(figure);
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    $('activity-count').textContent = (activity.scopes.length ? '' : 'Nothing counted yet on this instance. ')
      + (activity.scopesNotCharted ? activity.scopesNotCharted + ' more scopes are counted but not charted (too many'
      + ' scopes).' : '');
    $('activity-note').textContent = 'Counted in memory by ' + activity.scope + ', per minute from '
      + time(activity.from) + ' (the current minute last); other instances of the application count their own.';
    document.body.setAttribute('data-charts', 'true');
  }

  /** A line over the samples' times; unknown values (null) break it. */
  function lineChart(container, className, label, samples, value) {
    var width = 360, height = 70;
    clear(container);
    var image = chart(width, height, 'line ' + className, label);
    image.setAttribute('data-samples', String(samples.length));
    var values = [], max = 0;
    for (var i = 0; i < samples.length; i++) {
      var v = value(samples[i]);
      values.push(v);
      if (v !== null && v > max) { max = v; }
    }
    var step = samples.length > 1 ? width / (samples.length - 1) : width;
    var points = [];
    function flush() {
      if (points.length) { image.appendChild(svg('polyline', { points: points.join(' ') })); }
      points = [];
    }
    for (var j = 0; j < values.length; j++) {
      if (values[j] === null) { flush(); continue; }
      var y = height - 2 - (max > 0 ? values[j] / max * (height - 4) : 0);
      points.push((j * step).toFixed(1) + ',' + y.toFixed(1));
    }
    flush();
    container.appendChild(image);
    var words = document.createElement('span');
    words.className = 'figure-text';
    words.textContent = label;
    container.appendChild(words);
  }

  function renderRelayHistory(history) {
    lastRelayHistory = history;
    var samples = history.samples || [];
    if (history.state === 'ABSENT') {
      clear($('relay-throughput'));
      clear($('relay-lag'));
      $('relay-throughput').textContent = 'no outbox relay in this application';
      return;
    }
    var relayed = 0, fastest = 0, lastLag = null, maxLag = 0;
    for (var i = 0; i < samples.length; i++) {
      relayed += samples[i].eventsRelayed;
      var rate = samples[i].periodMillis > 0 ? samples[i].eventsRelayed * 1000 / samples[i].periodMillis : 0;
      if (rate > fastest) { fastest = rate; }
      if (samples[i].slotLagBytes >= 0) {
        lastLag = samples[i].slotLagBytes;
        if (lastLag > maxLag) { maxLag = lastLag; }
      }
    }
    lineChart($('relay-throughput'), 'throughput', 'relay throughput, last hour (' + samples.length + ' samples): '
      + relayed + ' events relayed, at most ' + (Math.round(fastest * 10) / 10) + ' per second', samples,
      function (s) { return s.periodMillis > 0 ? s.eventsRelayed * 1000 / s.periodMillis : 0; });
    lineChart($('relay-lag'), 'lag', lagName + ', last hour (' + samples.length + ' samples): '
      + (lastLag === null ? 'unknown' : lastLag + ' bytes now') + ', at most ' + maxLag + ' bytes', samples,
      function (s) { return s.slotLagBytes >= 0 ? s.slotLagBytes : null; });
  }

  function inboxFilter() {
    return { scope: $('inbox-scope').value, status: $('inbox-status').value, limit: 500 };
  }

  function outboxFilter() {
    return { status: $('outbox-status').value, type: $('outbox-type').value.trim(), limit: 500 };
  }

  function loadInbox(cursor) {
    var f = inboxFilter();
    f.cursor = cursor;
    request('GET', 'api/inbox' + query(f), function (status, body) {
      if (status === 200) { renderInbox(body, !!cursor); } else { message('Could not load inbox records ' + detail(status, body), true); }
    });
  }

  function loadOutbox(cursor, last) {
    var f = outboxFilter();
    f.cursor = cursor;
    request('GET', 'api/outbox' + query(f), function (status, body) {
      if (status === 200) { renderOutbox(body, !!cursor); } else { message('Could not load outbox events ' + detail(status, body), true); }
      if (last) { document.body.setAttribute('data-loaded', 'true'); }
    });
  }

  function refresh() {
    request('GET', 'api/summary', function (status, body) { if (status === 200) { renderSummary(body); } });
    request('GET', 'api/relay?limit=100', function (status, body) { if (status === 200) { renderRelay(body); } });
    request('GET', 'api/activity', function (status, body) { if (status === 200) { renderActivity(body); } });
    request('GET', 'api/relay/history', function (status, body) { if (status === 200) { renderRelayHistory(body); } });
    loadInbox(null);
    loadOutbox(null, true);
  }

  function bulkFilter() {
    return { scope: $('bulk-scope').value, from: $('bulk-from').value.trim(), to: $('bulk-to').value.trim() };
  }

  function bulkCount() {
    $('bulk-confirm').hidden = true;
    request('GET', 'api/inbox/replay' + query(bulkFilter()), function (status, body) {
      if (status !== 200) { $('bulk-result').textContent = 'Cannot count ' + detail(status, body); return; }
      $('bulk-result').textContent = body.count + ' DEAD record' + (body.count === 1 ? '' : 's') + ' match.';
      if (body.count > 0) {
        var button = $('bulk-confirm');
        button.textContent = 'Replay ' + body.count + ' record' + (body.count === 1 ? '' : 's');
        button.setAttribute('data-expected', String(body.count));
        button.hidden = false;
      }
    });
  }

  function bulkReplay() {
    var button = $('bulk-confirm');
    var f = bulkFilter();
    f.expected = button.getAttribute('data-expected');
    button.hidden = true;
    request('POST', 'api/inbox/replay' + query(f), function (status, body) {
      if (status === 200) {
        message('Replay requested for ' + body.replayed + ' inbox records (' + body.skipped + ' skipped).', false);
        $('bulk-result').textContent = '';
      } else {
        message('Bulk replay refused ' + detail(status, body), true);
      }
      refresh();
    });
  }

  function schedule() {
    if (timer) { clearInterval(timer); timer = null; }
    if ($('auto-refresh').checked && session) { timer = setInterval(refresh, session.refreshSeconds * 1000); }
  }

  $('refresh').onclick = refresh;
  $('auto-refresh').onchange = schedule;
  $('inbox-scope').onchange = function () { loadInbox(null); };
  $('inbox-status').onchange = function () { loadInbox(null); };
  $('outbox-status').onchange = function () { loadOutbox(null, false); };
  $('outbox-type').onchange = function () { loadOutbox(null, false); };
  $('inbox-more').onclick = function () { loadInbox(inboxCursor); };
  $('outbox-more').onclick = function () { loadOutbox(outboxCursor, false); };
  $('bulk-count').onclick = bulkCount;
  $('bulk-confirm').onclick = bulkReplay;

  request('GET', 'api/session', function (status, body) {
    if (status !== 200) { message('Could not open a console session ' + detail(status, body), true); return; }
    session = body;
    $('user').textContent = 'signed in as ' + body.user;
    $('refresh-seconds').textContent = body.refreshSeconds;
    refresh();
    schedule();
  });
}());
