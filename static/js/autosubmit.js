// A form marked data-autosubmit posts itself once the page has loaded (the SAML HTTP-POST binding:
// the request to the identity provider, or its answer to the portal). Without scripts, its button.
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) { form.submit(); });
