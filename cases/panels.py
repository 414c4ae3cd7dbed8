"""Extension point of the case page: higher apps add panels without `cases` importing them.

`PANELS` is a list of (template_name, context_function). querycontrol fills it in AppConfig.ready():

    from cases import panels
    panels.register("querycontrol/_case_panel.html", lambda case, request: {"requests": ...})

The case page (cases.views) renders each template with `case`, the request and whatever the function returns
as top-level context keys; a panel that raises is logged and replaced by a notice.
"""

PANELS = []


def register(template_name, context_function):
    entry = (template_name, context_function)
    if entry not in PANELS:
        PANELS.append(entry)
    return entry


def unregister(template_name):
    PANELS[:] = [p for p in PANELS if p[0] != template_name]
