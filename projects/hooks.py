"""Sections that later apps add to the projects' pages, so that projects imports none of them.

- `project_page`: the PUBLIC page of a project; functions (request, public_project) -> dict | None.
  The blog registers its related posts here (blog/project_hooks.py).
- `proposal_page`: the private proposal page that members and staff see; functions
  (request, proposal) -> dict | None. Assessment can register the link to the outcome:

      from projects.hooks import proposal_page

      @proposal_page.section(order=10)
      def outcome_link(request, proposal):
          if not outcomes_for_proposal(proposal):   # or whatever says an outcome is published
              return None
          return {"template": "assessment/proposal_page/outcome_link.html"}

Each page includes each section's template with the dict as `section`. On `project_page`, a
registered `freshness(proposal_pk)` function (-> datetime | None) lets the public page's
Last-Modified and ETag follow what the section shows.
"""
from calls.hooks import PageHooks

project_page = PageHooks("project_page")
proposal_page = PageHooks("proposal_page")
