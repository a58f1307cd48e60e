// GOV.UK Frontend's js-enabled switch, kept in a file so the CSP needs no inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
