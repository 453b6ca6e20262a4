// The live estimate of the project form: as the company types its parameters, the form is
// posted to the estimate view (the same calculate service as the API's), and the result is
// shown with its unit, or the first problem the methodology finds. Without scripts the form
// works the same; the estimate is then shown once the project is saved.
(function () {
  "use strict";
  var form = document.getElementById("project-form");
  var output = document.getElementById("estimate");
  if (!form || !output || !window.fetch) {
    return;
  }
  var url = form.getAttribute("data-estimate-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var sequence = 0;

  function show(text, problem) {
    output.textContent = text;
    output.classList.toggle("errorlist", problem);
  }

  function estimate() {
    var mine = ++sequence;
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRFToken": token, Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (mine !== sequence) {
          return; // an answer to older input
        }
        if (answer.errors) {
          var first = Object.keys(answer.errors)[0];
          var label = document.querySelector("label[for=id_" + first + "]");
          var name = label ? label.textContent.replace(/:\s*$/, "") + ": " : "";
          show(name + answer.errors[first][0], true);
        } else {
          show(answer.display, false);
        }
      })
      .catch(function () {
        // Offline or refused: the server still calculates the estimate when the form is saved.
      });
  }

  function schedule(event) {
    if (!event.target.hasAttribute("data-parameter")) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(estimate, 300);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  if (form.querySelector("[data-parameter]")) {
    estimate();
  }
})();
