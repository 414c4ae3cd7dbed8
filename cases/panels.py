"""Extension point of the case page: higher apps add panels without `cases` importing them.

`PANELS` is a list of (template_name, context_function). querycontrol fills it in AppConfig.ready():

    from cases import panels
    panels.register("querycontrol/_case_panel.html", lambda case, request: {"requests": ...})

The case page renders each template with the case, the request and whatever the function returns.
"""
PANELS = []


def register(template_name, context_function):
    entry = (template_name, context_function)
    if entry not in PANELS:
        PANELS.append(entry)
    return entry


def unregister(template_name):
    PANELS[:] = [p for p in PANELS if p[0] != template_name]


def render_contexts(case, request):
    """[(template_name, context)] for the case page, in registration order."""
    out = []
    for template_name, context_function in PANELS:
        context = dict(context_function(case, request) or {})
        context.setdefault("case", case)
        out.append((template_name, context))
    return out
