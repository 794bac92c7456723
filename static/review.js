// The review page, made quicker (progressive enhancement of page_review.c; without this
// file the page works as one form with a "Gem svar" button):
// - each answer is saved as soon as it changes (radio buttons and the "væsentlig
//   betydning" box at once, comments when the field is left or after a pause in typing),
//   through POST .../answer with the session's CSRF token in the X-CSRF-Token header;
// - questions that depend on another answer appear and disappear at once (src/relevance.c's rule);
// - "væsentlig betydning" can be ticked only for nej and delvist;
// - a save refused because someone else saved first shows both answers and lets the
//   person choose; "Gemt" and errors are announced in the page's live region;
// - keyboard shortcuts J / D / N / I answer the question that has focus (ja, delvist, nej,
//   ikke relevant), never while the person types in a text field;
// - "Gå til første ubesvarede" follows the answers and puts focus on the question's first answer;
// - after færdig was refused, the list of missing questions gets focus, and a question's
//   mark goes away once it is answered.
(function () {
  'use strict';

  var form = document.getElementById('review-form');
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var url = form.getAttribute('data-answer-url');
  var csrf = form.elements.csrf.value;
  var statusBox = document.getElementById('save-status');
  var progressText = document.getElementById('progress-text');
  var progressBar = document.getElementById('progress-bar');
  var caseStatus = document.getElementById('case-status');
  var firstOpen = document.getElementById('first-open');
  var shortcutHelp = document.getElementById('shortcuts');
  var hint = document.getElementById('save-hint');
  var questions = Array.prototype.slice.call(form.querySelectorAll('fieldset.question'));
  var byId = {};
  questions.forEach(function (fs) { byId[fs.getAttribute('data-question')] = fs; });
  var state = {};     // question id -> {busy, again, timer}
  var pending = 0;    // saves under way or waiting for a pause in typing

  if (hint) hint.textContent = 'Svarene gemmes automatisk, når du ændrer dem. Du kan også trykke »Gem svar«.';

  function field(name) { return form.elements[name]; }
  function qid(fs) { return fs.getAttribute('data-question'); }

  function valueOf(id) {
    var f = field('v-' + id);
    return f ? f.value : '';
  }

  function materialBox(id) { return field('m-' + id); }

  function commentOf(id) {
    var f = field('c-' + id);
    return f ? f.value : '';
  }

  var announceTimer = null;
  function announce(text, isError) {
    if (!statusBox) return;
    statusBox.classList.toggle('error', !!isError);
    // Clearing first makes screen readers say the same text again ("Gemt" after "Gemt").
    statusBox.textContent = '';
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      statusBox.textContent = text;
      // A passing "Gemt" goes away again so that it never covers the page; errors stay.
      if (!isError && text === 'Gemt') {
        announceTimer = setTimeout(function () { statusBox.textContent = ''; }, 4000);
      }
    }, 50);
  }

  // "væsentlig betydning" only for nej and delvist.
  function updateMaterial(fs) {
    var id = qid(fs), box = materialBox(id);
    if (!box) return;
    var v = valueOf(id), on = v === 'nej' || v === 'delvist';
    box.disabled = !on;
    if (!on) box.checked = false;
    box.closest('label').classList.toggle('off', !on);
  }

  // Whether each question is asked, by the answers on the page: the server's rule
  // (src/relevance.c), chains included. A question with a condition is
  //   - asked when its gate is asked and answered with one of the condition's answers;
  //   - not_relevant when its gate is answered otherwise, or is itself not_relevant;
  //   - unknown (counts as unanswered) while its gate is unanswered or itself unknown.
  // Only asked questions are shown.
  function relevance() {
    var states = {};
    function decide(fs) {
      var id = qid(fs);
      if (states[id] === 'deciding') return 'asked'; // a cycle (refused by the catalogue)
      if (states[id]) return states[id];
      var gate = fs.getAttribute('data-cond');
      if (!gate || !byId[gate]) return (states[id] = 'asked');
      states[id] = 'deciding';
      var g = decide(byId[gate]), v = valueOf(gate), answers;
      try { answers = JSON.parse(fs.getAttribute('data-cond-answers')) || []; } catch (e) { answers = []; }
      if (g === 'not_relevant') return (states[id] = 'not_relevant');
      if (g === 'unknown' || v === '') return (states[id] = 'unknown');
      return (states[id] = answers.indexOf(v) >= 0 ? 'asked' : 'not_relevant');
    }
    questions.forEach(decide);
    return states;
  }

  function updateConditions() {
    var states = relevance();
    questions.forEach(function (fs) {
      var st = states[qid(fs)];
      fs.setAttribute('data-relevance', st);
      fs.hidden = st !== 'asked';
    });
    updateFirstOpen();
  }

  function setProgress(answered, relevant) {
    if (progressText) progressText.textContent = answered + ' af ' + relevant + ' besvaret';
    if (progressBar) {
      progressBar.max = Math.max(relevant, 1);
      progressBar.value = answered;
    }
  }

  function removeBoxes(fs) {
    Array.prototype.slice.call(fs.querySelectorAll('.conflict, .field-error')).forEach(function (e) {
      e.parentNode.removeChild(e);
    });
  }

  // Where a notice goes in a question: after the guidance and the condition's hint.
  function insertNotice(fs, el) {
    var before = fs.querySelector('.choices') || fs.querySelector('label');
    fs.insertBefore(el, before);
  }

  function showError(fs, text) {
    removeBoxes(fs);
    var p = document.createElement('p');
    p.className = 'field-error';
    p.textContent = text;
    insertNotice(fs, p);
  }

  function applySaved(fs, data) {
    var id = qid(fs);
    field('r-' + id).value = data.revision;
    field('s-' + id).value = data.fingerprint;
    var saved = document.getElementById('saved-' + id);
    if (saved && data.by) saved.textContent = 'Senest gemt af ' + data.by + ' ' + data.at_text + '.';
    removeBoxes(fs);
    setProgress(data.answered, data.relevant);
    if (caseStatus && data.case_status_text) {
      var tag = caseStatus.querySelector('.tag') || caseStatus;
      tag.textContent = data.case_status_text;
      if (tag !== caseStatus) {
        tag.className = 'tag ' + (data.case_status === 'faerdig' ? 'done' : data.case_status === 'i_gang' ? 'doing' : 'todo');
      }
    }
    if (answered(fs)) unmark(fs);
    updateFirstOpen();
  }

  // Whether a question shown on the page has an answer (free text is never required).
  function answered(fs) {
    if (fs.getAttribute('data-scale') === 'text') return true;
    return !!fs.querySelector('input[type=radio]:checked');
  }

  // The mark of a question færdig was refused for, once it is answered.
  function unmark(fs) {
    if (!fs.classList.contains('missing')) return;
    fs.classList.remove('missing');
    fs.removeAttribute('aria-describedby');
    var p = document.getElementById('miss-' + qid(fs));
    if (p) p.parentNode.removeChild(p);
  }

  // The first question shown and still to answer, or null.
  function firstUnanswered() {
    for (var i = 0; i < questions.length; i++) {
      if (!questions[i].hidden && !answered(questions[i])) return questions[i];
    }
    return null;
  }

  function updateFirstOpen() {
    if (!firstOpen) return;
    var fs = firstUnanswered();
    firstOpen.hidden = !fs;
    if (fs) firstOpen.setAttribute('href', '#' + fs.id);
  }

  // Focus on a question's first answer (or its text field).
  function focusQuestion(fs) {
    var target = fs.querySelector('input[type=radio]:checked') || fs.querySelector('input[type=radio], textarea');
    if (target) target.focus();
  }

  // Puts an answer into the question's fields.
  function fill(fs, answer) {
    var id = qid(fs), v = field('v-' + id);
    if (v && v.tagName === 'TEXTAREA') {
      v.value = answer.value;
    } else {
      Array.prototype.slice.call(fs.querySelectorAll('input[type=radio]')).forEach(function (r) {
        r.checked = r.value === answer.value;
      });
    }
    var m = materialBox(id);
    if (m) m.checked = !!answer.material;
    var c = field('c-' + id);
    if (c) c.value = answer.comment;
    updateMaterial(fs);
    updateConditions();
  }

  function showConflict(fs, data) {
    removeBoxes(fs);
    var id = qid(fs), theirs = data.theirs;
    var box = document.createElement('div');
    box.className = 'conflict';
    var p = document.createElement('p');
    var strong = document.createElement('strong');
    strong.textContent = 'Dit svar er ikke gemt.';
    p.appendChild(strong);
    p.appendChild(document.createTextNode(' ' + theirs.by + ' gemte et andet svar ' + theirs.at_text +
      ', efter du åbnede siden. Vælg, hvilket svar der skal gælde.'));
    box.appendChild(p);
    var dl = document.createElement('dl');
    dl.className = 'facts';
    [['Dit svar', data.yours.text], ['Gemt af ' + theirs.by, theirs.text]].forEach(function (pair) {
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = pair[0];
      dd.textContent = pair[1];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    box.appendChild(dl);
    var actions = document.createElement('div');
    actions.className = 'actions';
    var keep = document.createElement('button');
    keep.type = 'button';
    keep.textContent = 'Behold mit svar';
    keep.addEventListener('click', function () {
      fill(fs, data.yours);
      field('r-' + id).value = theirs.revision;
      save(fs);
    });
    var use = document.createElement('button');
    use.type = 'button';
    use.className = 'secondary';
    use.textContent = 'Brug det gemte svar';
    use.addEventListener('click', function () {
      fill(fs, theirs);
      field('r-' + id).value = theirs.revision;
      field('s-' + id).value = theirs.fingerprint;
      removeBoxes(fs);
      announce('Det gemte svar bruges.');
    });
    actions.appendChild(keep);
    actions.appendChild(use);
    box.appendChild(actions);
    insertNotice(fs, box);
  }

  function failureText(status) {
    if (status === 401) return 'Svaret er ikke gemt: din session er udløbet. Log ind igen i et andet faneblad, og gem så igen.';
    if (status === 403) return 'Svaret er ikke gemt: du har ikke (længere) adgang til sagen, eller siden er forældet. Genindlæs siden.';
    if (status === 413) return 'Svaret er ikke gemt: teksten er for lang.';
    return 'Svaret er ikke gemt: tilsyn svarede ikke som ventet. Prøv igen, eller brug knappen »Gem svar«.';
  }

  function save(fs) {
    var id = qid(fs);
    var st = state[id] || (state[id] = {});
    clearTimeout(st.timer);
    if (st.timer) { st.timer = null; pending--; }
    if (st.busy) { st.again = true; return st.busy; }
    pending++;
    announce('Gemmer …');
    st.busy = (function next() {
      st.again = false;
      var m = materialBox(id);
      var body = new URLSearchParams();
      body.set('question', id);
      body.set('value', valueOf(id));
      body.set('material', m && m.checked && !m.disabled ? '1' : '');
      if (field('c-' + id)) body.set('comment', commentOf(id));
      body.set('revision', field('r-' + id).value);
      return fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf },
        body: body.toString(),
      }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          if (res.ok && data && data.status === 'saved') {
            applySaved(fs, data);
            if (st.again) return next();
            announce('Gemt');
            return;
          }
          if (res.status === 409 && data && data.status === 'conflict') {
            showConflict(fs, data);
            announce('Ikke gemt: en anden har ændret svaret på ' + fs.querySelector('.qcode').textContent +
              ' imens. Vælg, hvilket svar der skal gælde.', true);
            return;
          }
          var text = data && data.message ? 'Svaret er ikke gemt: ' + data.message : failureText(res.status);
          showError(fs, text);
          announce(text, true);
        });
      }, function () {
        var text = 'Svaret er ikke gemt: ingen forbindelse til tilsyn. Prøv igen om lidt.';
        showError(fs, text);
        announce(text, true);
      });
    })().then(function () {
      st.busy = null;
      pending--;
    });
    return st.busy;
  }

  // Saves at once, or after a pause in typing.
  function later(fs) {
    var st = state[qid(fs)] || (state[qid(fs)] = {});
    if (!st.timer) pending++;
    clearTimeout(st.timer);
    st.timer = setTimeout(function () { st.timer = null; pending--; save(fs); }, 1200);
  }

  function questionOf(el) { return el.closest && el.closest('fieldset.question'); }

  form.addEventListener('change', function (e) {
    var fs = questionOf(e.target);
    if (!fs) return;
    if (e.target.type === 'radio') {
      updateMaterial(fs);
      updateConditions();
    }
    save(fs);
  });

  form.addEventListener('input', function (e) {
    var fs = questionOf(e.target);
    if (fs && e.target.tagName === 'TEXTAREA') later(fs);
  });

  // Waits for every save (and typing pause) before a form on the page is sent, so that
  // a form never carries revisions that an autosave is about to change.
  function flush() {
    var all = [];
    Object.keys(state).forEach(function (id) {
      var st = state[id];
      if (st.timer) all.push(save(byId[id]));
      else if (st.busy) all.push(st.busy);
    });
    return Promise.all(all).then(function () { return pending > 0 ? flush() : null; });
  }

  Array.prototype.slice.call(document.querySelectorAll('main form[method=post]')).forEach(function (f) {
    f.addEventListener('submit', function (e) {
      if (pending === 0) return;
      e.preventDefault();
      announce('Gemmer …');
      flush().then(function () { f.submit(); });
    });
  });

  window.addEventListener('beforeunload', function (e) {
    if (pending > 0) {
      e.preventDefault();
      e.returnValue = '';
    }
  });

  // A link to a question on the page (the first unanswered, the error summary's list) puts
  // focus on its answers, so that the shortcuts and the arrow keys work at once.
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#q-"]');
    if (!a) return;
    var fs = document.getElementById(a.getAttribute('href').slice(1));
    if (!fs || fs.hidden) return;
    e.preventDefault();
    fs.scrollIntoView({ block: 'start' });
    if (history.replaceState) history.replaceState(null, '', '#' + fs.id);
    focusQuestion(fs);
  });

  // J / D / N / I: ja, delvist, nej, ikke relevant for the question that has focus. Not while
  // typing (a text field, a list box), and not with Ctrl, Alt or Cmd (the browser's own keys).
  var keys = { j: 'ja', d: 'delvist', n: 'nej', i: 'ikke_relevant' };
  function typing(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
    return tag === 'INPUT' && ['radio', 'checkbox', 'button', 'submit', 'reset'].indexOf(el.type) < 0;
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing || typing(e.target)) return;
    var value = keys[(e.key || '').toLowerCase()];
    var fs = value && questionOf(e.target);
    if (!fs || fs.hidden) return;
    var radio = fs.querySelector('input[type=radio][value="' + value + '"]');
    if (!radio) return;
    e.preventDefault();
    radio.focus();
    if (radio.checked) return;
    radio.checked = true;
    radio.dispatchEvent(new Event('change', { bubbles: true }));
  });
  if (shortcutHelp) shortcutHelp.hidden = false;

  questions.forEach(updateMaterial);
  updateConditions();

  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
