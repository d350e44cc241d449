/*
 * Audit page of the Postbox demo. Plain ES5 and XMLHttpRequest on purpose: no build step, and it runs in
 * HtmlUnit (the automated test) as well as in any browser. Every value is inserted with textContent, never
 * innerHTML, so event payloads and error messages cannot inject markup.
 */
(function () {
  'use strict';

  var REFRESH_MS = 3000;
  var timer = null;

  function $(id) { return document.getElementById(id); }

  function request(method, url, onDone) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    xhr.setRequestHeader('Accept', 'application/json');
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
      if (params.hasOwnProperty(k) && params[k]) { parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(params[k])); }
    }
    return parts.length ? '?' + parts.join('&') : '';
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
    span.className = 'status status-' + status;
    span.textContent = status;
    td.appendChild(span);
    row.appendChild(td);
    return td;
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
          message('Replay of ' + what + ' failed (' + status + '): ' + (body && body.detail ? body.detail : JSON.stringify(body)), true);
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

  function renderInbox(records) {
    var tbody = $('inbox-table').getElementsByTagName('tbody')[0];
    tbody.innerHTML = '';
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
        action.appendChild(replayButton('Replay', 'api/audit/inbox/' + encodeURIComponent(r.id) + '/replay',
          'inbox record ' + r.scope + '/' + r.key));
      }
      tr.appendChild(action);
      tbody.appendChild(tr);
    }
    $('inbox-count').textContent = records.length + ' record' + (records.length === 1 ? '' : 's');
  }

  function renderOutbox(rows) {
    var tbody = $('outbox-table').getElementsByTagName('tbody')[0];
    tbody.innerHTML = '';
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
      var action = document.createElement('td');
      if (e.status === 'PARKED') {
        var button = replayButton('Replay', 'api/audit/relay/parked/' + encodeURIComponent(e.id) + '/replay',
          'parked event ' + e.type + ' ' + e.id);
        if (e.replayRequestedAt) { button.disabled = true; button.textContent = 'Replay requested'; }
        action.appendChild(button);
      }
      tr.appendChild(action);
      tbody.appendChild(tr);
    }
    $('outbox-count').textContent = rows.length + ' event' + (rows.length === 1 ? '' : 's');
  }

  function renderSummary(stats, relay) {
    if (relay) {
      $('relay-state').textContent = relay.state;
      $('relay-detail').textContent = relay.eventsRelayed + ' relayed, ' + relay.retries + ' retries, '
        + relay.parked.length + ' in dead letters, slot lag ' + relay.slotLagBytes + ' bytes'
        + (relay.sinkOutage ? ' - SINK OUTAGE' : '');
    }
    if (stats) {
      var db = stats.database, wh = stats.webhooks, c = stats.consumer;
      $('sum-outbox').textContent = db.outboxEvents;
      $('sum-outbox-detail').textContent = db.ledgerEntries + ' posted to the ledger, ' + db.complianceReports + ' compliance reports';
      $('sum-webhooks').textContent = wh.deliveries;
      $('sum-webhooks-detail').textContent = wh.applied + ' applied, ' + wh.absorbed + ' duplicates absorbed, '
        + wh.inProgress409 + ' answered 409';
      $('sum-consumer').textContent = c.recordsConsumed;
      $('sum-consumer-detail').textContent = c.recordsRedelivered + ' redelivered after ' + c.simulatedCrashes + ' simulated crashes';
      var dead = 0;
      for (var scope in stats.inbox) {
        if (stats.inbox.hasOwnProperty(scope)) { dead += stats.inbox[scope].statuses.DEAD || 0; }
      }
      $('sum-attention').textContent = dead + ' / ' + (relay ? relay.parked.length : db.relayParkedRows);
    }
  }

  function refresh() {
    var stats = null, relay = null, done = 0;
    function summaryPart() { if (++done === 2) { renderSummary(stats, relay); } }
    request('GET', 'api/stats', function (status, body) { if (status === 200) { stats = body; } summaryPart(); });
    request('GET', 'api/audit/relay', function (status, body) { if (status === 200) { relay = body; } summaryPart(); });
    request('GET', 'api/audit/inbox' + query({ scope: $('inbox-scope').value, status: $('inbox-status').value, limit: 500 }),
      function (status, body) {
        if (status === 200) { renderInbox(body); } else { message('Could not load inbox records (' + status + ')', true); }
      });
    request('GET', 'api/audit/outbox' + query({ status: $('outbox-status').value, type: $('outbox-type').value, limit: 500 }),
      function (status, body) {
        if (status === 200) { renderOutbox(body); } else { message('Could not load outbox events (' + status + ')', true); }
        document.body.setAttribute('data-loaded', 'true');
      });
  }

  function schedule() {
    if (timer) { clearInterval(timer); timer = null; }
    if ($('auto-refresh').checked) { timer = setInterval(refresh, REFRESH_MS); }
  }

  $('refresh').onclick = refresh;
  $('auto-refresh').onchange = schedule;
  $('inbox-scope').onchange = refresh;
  $('inbox-status').onchange = refresh;
  $('outbox-status').onchange = refresh;
  $('outbox-type').onchange = refresh;
  refresh();
  schedule();
}());
